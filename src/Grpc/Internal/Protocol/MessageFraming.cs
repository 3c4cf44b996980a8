using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Protocol;

/// <summary>The 5-byte length-prefixed message framing: one flag byte (1 = compressed), then a big-endian length.</summary>
internal static class MessageFraming
{
    /// <summary>Messages up to this size are serialized into one span of the destination.</summary>
    private const int ContiguousWriteLimit = 4096 - GrpcProtocol.MessageHeaderSize;

    /// <summary>
    /// Finds the first complete frame in <paramref name="buffer"/>. Throws RESOURCE_EXHAUSTED as soon as a header
    /// announces a message longer than <paramref name="maxSize"/>, so an oversized message is never buffered.
    /// </summary>
    public static bool TryReadFrame(
        in ReadOnlySequence<byte> buffer,
        int? maxSize,
        out bool compressed,
        out ReadOnlySequence<byte> payload,
        out SequencePosition frameEnd)
    {
        compressed = false;
        payload = default;
        frameEnd = default;
        if (buffer.Length < GrpcProtocol.MessageHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.MessageHeaderSize];
        buffer.Slice(0, GrpcProtocol.MessageHeaderSize).CopyTo(header);
        var flag = header[0];
        if (flag > 1)
        {
            throw new RpcException(StatusCode.Internal, "Invalid message frame: unknown compressed flag.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > int.MaxValue || (maxSize is { } max && length > (uint)max))
        {
            throw new RpcException(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
        }

        if (buffer.Length - GrpcProtocol.MessageHeaderSize < length)
        {
            return false;
        }

        compressed = flag == 1;
        payload = buffer.Slice(GrpcProtocol.MessageHeaderSize, length);
        frameEnd = payload.End;
        return true;
    }

    /// <summary>Parses one message payload, inflating it first if it is compressed.</summary>
    public static T ParsePayload<T>(MessageParser<T> parser, in ReadOnlySequence<byte> payload, bool compressed, string? encoding, int? maxSize)
        where T : IMessage<T>
    {
        try
        {
            if (!compressed)
            {
                return parser.ParseFrom(payload);
            }

            if (encoding is null)
            {
                throw new RpcException(StatusCode.Internal, "Received a compressed message but no grpc-encoding was negotiated.");
            }

            using var inflated = GzipCompression.Decompress(payload, maxSize);
            return parser.ParseFrom(inflated.WrittenSpan);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize the message."), new Metadata(), ex);
        }
    }

    /// <summary>Checks the send limit and returns the serialized size of <paramref name="message"/>.</summary>
    public static int MeasureForSend(IMessage message, int? maxSendSize)
    {
        var size = message.CalculateSize();
        if (maxSendSize is { } max && size > max)
        {
            throw new RpcException(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");
        }

        return size;
    }

    /// <summary>Writes one frame straight into <paramref name="writer"/>; compresses it when <paramref name="compressionLevel"/> is set.</summary>
    public static void WriteFrame(IBufferWriter<byte> writer, IMessage message, int size, CompressionLevel? compressionLevel)
    {
        if (compressionLevel is { } level)
        {
            WriteCompressedFrame(writer, message, size, level);
            return;
        }

        if (size <= ContiguousWriteLimit)
        {
            var span = writer.GetSpan(GrpcProtocol.MessageHeaderSize + size);
            span[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
            if (size > 0)
            {
                message.WriteTo(span.Slice(GrpcProtocol.MessageHeaderSize, size));
            }

            writer.Advance(GrpcProtocol.MessageHeaderSize + size);
            return;
        }

        var headerSpan = writer.GetSpan(GrpcProtocol.MessageHeaderSize);
        headerSpan[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(headerSpan[1..], (uint)size);
        writer.Advance(GrpcProtocol.MessageHeaderSize);
        message.WriteTo(writer);
    }

    private static void WriteCompressedFrame(IBufferWriter<byte> writer, IMessage message, int size, CompressionLevel level)
    {
        using var plain = new PooledBufferWriter(size);
        if (size > 0)
        {
            message.WriteTo(plain.GetSpan(size)[..size]);
            plain.Advance(size);
        }

        using var packed = new PooledBufferWriter(Math.Max(64, size / 2));
        GzipCompression.Compress(plain.WrittenSpan, packed, level);
        var header = writer.GetSpan(GrpcProtocol.MessageHeaderSize);
        header[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)packed.WrittenCount);
        writer.Advance(GrpcProtocol.MessageHeaderSize);
        writer.Write(packed.WrittenSpan);
    }
}
