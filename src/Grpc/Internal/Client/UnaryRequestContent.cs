using System.IO.Compression;
using System.Net;
using CityBrain.Grpc.Internal.Protocol;
using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Client;

/// <summary>The body of a unary or server-streaming request: one frame, serialized once into a pooled buffer.</summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private readonly PooledBufferWriter _frame;

    public UnaryRequestContent(IMessage message, int? maxSendSize, CompressionLevel? compressionLevel)
    {
        var size = MessageFraming.MeasureForSend(message, maxSendSize);
        _frame = new PooledBufferWriter(GrpcProtocol.MessageHeaderSize + size);
        MessageFraming.WriteFrame(_frame, message, size, compressionLevel);
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_frame.WrittenMemory).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_frame.WrittenMemory, cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = _frame.WrittenCount;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _frame.Dispose();
        }

        base.Dispose(disposing);
    }
}
