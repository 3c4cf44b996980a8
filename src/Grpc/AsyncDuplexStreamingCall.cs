using CityBrain.Grpc.Internal.Client;

namespace CityBrain.Grpc;

/// <summary>A bidirectional-streaming call in flight: write requests and read responses independently.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncDuplexStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseStream = responseStream;
    }

    /// <summary>The request stream; call <see cref="IClientStreamWriter{T}.CompleteAsync"/> after the last request.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The responses. The end of the stream reports the status: a non-OK status throws <see cref="RpcException"/>.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.GetResponseHeadersAsync();

    /// <summary>The status; only after the call has completed.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailers; only after the call has completed.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still running and releases its resources.</summary>
    public void Dispose() => _call.Dispose();
}
