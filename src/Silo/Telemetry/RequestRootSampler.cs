using CityBrain.Gateway;
using OpenTelemetry.Trace;

namespace CityBrain.Silo.Telemetry;

/// <summary>
/// Starts traces at requests only: the root span of an HTTP or gRPC call (ASP.NET Core's server span) or of an event
/// streamed through <c>SubmitStream</c> (the gateway's consumer span) is recorded. Any other root is not: the background
/// loops' spans (feed and deadline polling, membership probes), and a grain call whose caller had no trace (a deadline shard
/// firing, the outbox delivering; <see cref="GrainCallTracing"/> starts no span for it at all), so a silo at rest produces
/// no traces. Of the request roots, the share <paramref name="ratio"/> is kept, decided by the trace
/// id (OpenTelemetry's <see cref="TraceIdRatioBasedSampler"/>: every silo keeps the same traces). Spans with a parent
/// follow it (<see cref="ParentBasedSampler"/>).
/// </summary>
internal sealed class RequestRootSampler(double ratio = 1.0) : Sampler
{
    /// <summary>The name of ASP.NET Core's span of an incoming request.</summary>
    public const string HttpRequestName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private readonly Sampler _requests = ratio >= 1.0 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        IsRequest(samplingParameters)
            ? _requests.ShouldSample(samplingParameters)
            : new SamplingResult(SamplingDecision.Drop);

    private static bool IsRequest(in SamplingParameters root) => root.Kind switch
    {
        System.Diagnostics.ActivityKind.Server => root.Name == HttpRequestName,
        System.Diagnostics.ActivityKind.Consumer => root.Name == GatewayTelemetry.StreamedEventName,
        _ => false,
    };
}
