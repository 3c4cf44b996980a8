using System.Buffers;
using System.IO.Compression;

namespace CityBrain.Grpc.Internal.Protocol;

/// <summary>gzip message encoding. Decompression enforces the receive size limit on the inflated size.</summary>
internal static class GzipCompression
{
    public static void Compress(ReadOnlySpan<byte> source, PooledBufferWriter destination, CompressionLevel level)
    {
        using var stream = new BufferWriterStream(destination);
        using (var gzip = new GZipStream(stream, level, leaveOpen: true))
        {
            gzip.Write(source);
        }
    }

    /// <summary>Inflates <paramref name="source"/>; throws RESOURCE_EXHAUSTED past <paramref name="maxSize"/>, INTERNAL on corrupt data.</summary>
    public static PooledBufferWriter Decompress(in ReadOnlySequence<byte> source, int? maxSize)
    {
        var compressed = source.IsSingleSegment ? null : source.ToArray();
        var output = new PooledBufferWriter((int)Math.Min(source.Length * 4, 64 * 1024));
        try
        {
            using Stream input = compressed is not null
                ? new MemoryStream(compressed, writable: false)
                : new ReadOnlyMemoryStream(source.First);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            while (true)
            {
                var span = output.GetSpan(16 * 1024);
                var read = gzip.Read(span);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (maxSize is { } max && output.WrittenCount > max)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size after decompression.");
                }
            }

            return output;
        }
        catch (InvalidDataException ex)
        {
            output.Dispose();
            throw new RpcException(new Status(StatusCode.Internal, "Failed to decompress the message."), new Metadata(), ex);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }
}
