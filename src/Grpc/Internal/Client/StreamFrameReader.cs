using System.Buffers;
using System.Buffers.Binary;
using CityBrain.Grpc.Internal.Protocol;
using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Client;

/// <summary>Reads length-prefixed frames from a response stream into one pooled buffer and parses them in place.</summary>
internal sealed class StreamFrameReader(Stream stream, int? maxSize, string? encoding) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start;
    private int _end;

    /// <summary>The next message, or null at the end of the stream.</summary>
    public async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        if (!await FillAsync(GrpcProtocol.MessageHeaderSize, cancellationToken).ConfigureAwait(false))
        {
            if (_end == _start)
            {
                return null;
            }

            throw new RpcException(StatusCode.Internal, "Incomplete message: the response ended inside a message header.");
        }

        var flag = _buffer[_start];
        if (flag > 1)
        {
            throw new RpcException(StatusCode.Internal, "Invalid message frame: unknown compressed flag.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start + 1, 4));
        if (length > int.MaxValue - GrpcProtocol.MessageHeaderSize || (maxSize is { } max && length > (uint)max))
        {
            throw new RpcException(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
        }

        var frameLength = GrpcProtocol.MessageHeaderSize + (int)length;
        if (!await FillAsync(frameLength, cancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(StatusCode.Internal, "Incomplete message: the response ended inside a message.");
        }

        var payload = new ReadOnlySequence<byte>(_buffer, _start + GrpcProtocol.MessageHeaderSize, (int)length);
        var message = MessageFraming.ParsePayload(parser, payload, flag == 1, encoding, maxSize);
        _start += frameLength;
        return message;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads until <paramref name="count"/> bytes are buffered; false if the stream ends first.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (_buffer.Length - _start < count)
            {
                var next = _buffer.Length >= count ? _buffer : ArrayPool<byte>.Shared.Rent(count);
                var buffered = _end - _start;
                Buffer.BlockCopy(_buffer, _start, next, 0, buffered);
                if (!ReferenceEquals(next, _buffer))
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = next;
                }

                _start = 0;
                _end = buffered;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }
}
