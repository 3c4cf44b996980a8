using System.IO.Pipelines;
using CityBrain.Grpc.Internal.Protocol;
using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Server;

internal sealed partial class HttpServerCallContext
{
    /// <summary>Reads the single request message of a unary or server-streaming call, and the end of the stream.</summary>
    public async ValueTask<T> ReadSingleMessageAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var token = CancellationToken;
        var message = await ReadMessageAsync(parser, token).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, "The request stream ended without a request message.");
        if (await ReadMessageAsync(parser, token).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "Received more than one request message for a method that takes one.");
        }

        return message;
    }

    /// <summary>
    /// Reads the next request message, parsing it straight from the pipe's buffers; null at the end of the stream.
    /// Completes synchronously when the frame has already arrived.
    /// </summary>
    public ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var reader = _httpContext.Request.BodyReader;
        if (reader.TryRead(out var result) && TryConsume(reader, result, parser, out var message))
        {
            return new ValueTask<T?>(message);
        }

        return ReadMessageSlowAsync(reader, parser, cancellationToken);
    }

    private async ValueTask<T?> ReadMessageSlowAsync<T>(PipeReader reader, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (TryConsume(reader, result, parser, out var message))
            {
                return message;
            }
        }
    }

    /// <summary>Consumes one frame if the buffer holds it (true), or the end of the stream (true, null message).</summary>
    private bool TryConsume<T>(PipeReader reader, ReadResult result, MessageParser<T> parser, out T? message)
        where T : class, IMessage<T>
    {
        var buffer = result.Buffer;
        bool framed;
        bool compressed;
        System.Buffers.ReadOnlySequence<byte> payload;
        SequencePosition frameEnd;
        try
        {
            framed = MessageFraming.TryReadFrame(buffer, _pipeline.Options.MaxReceiveMessageSize, out compressed, out payload, out frameEnd);
        }
        catch
        {
            reader.AdvanceTo(buffer.Start);
            throw;
        }

        if (framed)
        {
            try
            {
                message = MessageFraming.ParsePayload(parser, payload, compressed, _requestEncoding, _pipeline.Options.MaxReceiveMessageSize);
            }
            finally
            {
                reader.AdvanceTo(frameEnd);
            }

            return true;
        }

        if (result.IsCompleted)
        {
            reader.AdvanceTo(buffer.End);
            if (buffer.IsEmpty)
            {
                message = null;
                return true;
            }

            throw new RpcException(StatusCode.Internal, "Incomplete message: the request stream ended inside a message frame.");
        }

        reader.AdvanceTo(buffer.Start, buffer.End);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("Reading the request was cancelled.");
        }

        message = null;
        return false;
    }
}
