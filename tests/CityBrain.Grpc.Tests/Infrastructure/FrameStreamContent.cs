using System.Net;

namespace CityBrain.Grpc.Tests.Infrastructure;

/// <summary>A raw request body the test writes to frame by frame, and can abandon mid-stream.</summary>
public sealed class FrameStreamContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FrameStreamContent()
    {
        Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
    }

    public async Task WriteAsync(byte[] bytes)
    {
        var stream = await _stream.Task;
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    public void Complete() => _done.TrySetResult();

    public void Abort() => _done.TrySetCanceled();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        _stream.TrySetResult(stream);
        await _done.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
