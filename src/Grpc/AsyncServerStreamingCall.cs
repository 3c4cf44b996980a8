using CityBrain.Grpc.Internal.Client;

namespace CityBrain.Grpc;

/// <summary>A server-streaming call in flight: read <see cref="ResponseStream"/> to its end; dispose to cancel.</summary>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncServerStreamingCall(IClientCall call, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        ResponseStream = responseStream;
    }

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
