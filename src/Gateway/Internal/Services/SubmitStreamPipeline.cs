using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Errors;
using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.Intake;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>
/// One SubmitStream: reads events and starts each at once (up to a window of unacknowledged events, and as the
/// caller's rate limit allows), so many events of one stream are stored concurrently and group-committed together.
/// Each ack is queued when its event is durable (or refused) and written by a single writer, in completion order,
/// flushing when no further ack is ready. Waiting for the window or the rate limit stops the reading, which pushes
/// back on the sender through HTTP/2 flow control.
/// </summary>
internal sealed class SubmitStreamPipeline(
    IncidentIntake intake,
    CallerRateLimiter limiter,
    Caller caller,
    int window,
    IServerStreamWriter<StreamAck> responses,
    ILogger logger,
    CancellationToken cancellationToken)
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);
    private readonly Channel<StreamAck> _acks = Channel.CreateUnbounded<StreamAck>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _window = new(window, window);
    private int _pending = 1; // the reader counts as one until it ends
    private long _events;
    private long _refused;

    public long Events => Interlocked.Read(ref _events);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Runs the stream to its end: every event read is acknowledged before this completes, unless the call
    /// is cancelled. A failure to read (a malformed message, a cancelled call) ends the call with its status after the
    /// events already started are acknowledged.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamEvent> requests)
    {
        var writing = WriteAcksAsync();
        Exception? readFailure = null;
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                var item = requests.Current;
                await _window.WaitAsync(cancellationToken);
                Interlocked.Increment(ref _pending);
                Interlocked.Increment(ref _events);
                if (!await limiter.AcquireAsync(caller, cancellationToken))
                {
                    Complete(Refusal(item, CallerRateLimiter.Exhausted(caller)));
                    continue;
                }

                _ = ProcessAsync(item);
            }
        }
        catch (Exception exception)
        {
            readFailure = exception;
        }

        Release();
        try
        {
            await writing;
        }
        catch (Exception) when (readFailure is not null)
        {
            // The read failure says why the call ended.
        }

        if (readFailure is not null)
        {
            // As it was thrown: the wire layer tells a deadline or the client's cancellation apart, then maps the rest.
            ExceptionDispatchInfo.Throw(readFailure);
        }
    }

    private async Task ProcessAsync(StreamEvent item)
    {
        // Runs in the event's own flow (this async method's): the event's trace starts here, apart from the stream's.
        using var trace = GatewayTelemetry.StartStreamedEvent(item.Event?.SourceEventId ?? string.Empty);
        StreamAck ack;
        try
        {
            var result = await intake.SubmitAsync(caller.Actor, item.Event ?? throw new ValidationException("event", "required"));
            ack = new StreamAck { Sequence = item.Sequence, SourceEventId = item.Event.SourceEventId, Ack = result };
        }
        catch (Exception exception)
        {
            ack = Refusal(item, exception);
        }

        Complete(ack);
    }

    private StreamAck Refusal(StreamEvent item, Exception exception)
    {
        Interlocked.Increment(ref _refused);
        var (code, message) = ApiErrors.Describe(exception);
        ApiErrors.Log(exception, code, logger, "SubmitStream");
        return new StreamAck
        {
            Sequence = item.Sequence,
            SourceEventId = item.Event?.SourceEventId ?? string.Empty,
            Error = new EventError { Code = (int)code, Message = message },
        };
    }

    private void Complete(StreamAck ack)
    {
        _acks.Writer.TryWrite(ack);
        _window.Release();
        Release();
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _acks.Writer.TryComplete();
        }
    }

    private async Task WriteAcksAsync()
    {
        var reader = _acks.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var ack))
            {
                // Flush only when no further ack is ready: one network write carries every ack completed together.
                responses.WriteOptions = reader.TryPeek(out _) ? Buffered : null;
                await responses.WriteAsync(ack, cancellationToken);
            }
        }
    }
}
