using CityBrain.Grpc.Internal.Protocol;
using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Client;

/// <summary>The request stream of a client-streaming or duplex call: frames written to the HTTP/2 request stream.</summary>
internal sealed class ClientRequestStreamWriter<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call, PushStreamContent content) : IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private bool _completed;
    private bool _writePending;

    public WriteOptions? WriteOptions { get; set; }

    public ValueTask WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completed)
        {
            throw new InvalidOperationException("The request stream is already complete.");
        }

        if (_writePending)
        {
            throw new InvalidOperationException("A write is already pending; await each WriteAsync before the next.");
        }

        if (call.Outcome is { } outcome)
        {
            throw outcome.Status.StatusCode == StatusCode.OK
                ? new InvalidOperationException("The call has already completed.")
                : new RpcException(outcome.Status, outcome.Trailers);
        }

        return WriteCoreAsync(message, cancellationToken);
    }

    public Task CompleteAsync()
    {
        _completed = true;
        content.Complete();
        return Task.CompletedTask;
    }

    private async ValueTask WriteCoreAsync(TRequest message, CancellationToken cancellationToken)
    {
        _writePending = true;
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(call.CallToken, cancellationToken) : null;
        var token = linked?.Token ?? call.CallToken;
        try
        {
            var stream = await content.StreamTask.WaitAsync(token).ConfigureAwait(false);
            var size = MessageFraming.MeasureForSend(message, call.MaxSendMessageSize);
            using var frame = new PooledBufferWriter(GrpcProtocol.MessageHeaderSize + size);
            var flags = WriteOptions?.Flags ?? WriteFlags.None;
            var level = (flags & WriteFlags.NoCompress) == WriteFlags.NoCompress ? null : call.Compression.Level;
            MessageFraming.WriteFrame(frame, message, size, level);
            await stream.WriteAsync(frame.WrittenMemory, token).ConfigureAwait(false);
            if ((flags & WriteFlags.BufferHint) == 0)
            {
                await stream.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            if (call.Outcome is { } outcome && outcome.Status.StatusCode != StatusCode.OK)
            {
                throw new RpcException(outcome.Status, outcome.Trailers, ex);
            }

            throw new RpcException(call.MapException(ex), new Metadata(), ex);
        }
        finally
        {
            _writePending = false;
        }
    }
}
