using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.Intake;
using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>EventIntake: events go straight to <see cref="IncidentIntake"/> (validation, then the one grain that owns
/// the event); the ack is the intake's, returned after the journal append is durable.</summary>
internal sealed class EventIntakeService(
    IncidentIntake intake,
    CallerRateLimiter limiter,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<EventIntakeService> logger) : EventIntake.EventIntakeBase
{
    private readonly int _window = options.Value.StreamWindow;

    public override async Task<SubmitAck> Submit(SubmitRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        return await intake.SubmitAsync(caller.Actor, request.Event ?? throw new ValidationException("event", "required"));
    }

    public override async Task SubmitStream(IAsyncStreamReader<StreamEvent> requestStream, IServerStreamWriter<StreamAck> responseStream, ServerCallContext context)
    {
        var caller = context.Caller();
        var pipeline = new SubmitStreamPipeline(intake, limiter, caller, _window, responseStream, logger, context.CancellationToken);
        await pipeline.RunAsync(requestStream);
        GatewayLog.StreamEnded(logger, caller.RateKey, pipeline.Events, pipeline.Refused);
    }

    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context) =>
        Task.FromResult(new PingReply { Caller = context.Caller().Actor, ServerTime = Timestamp.FromDateTimeOffset(time.GetUtcNow()) });
}
