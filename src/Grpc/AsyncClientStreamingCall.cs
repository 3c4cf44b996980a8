using System.Runtime.CompilerServices;
using CityBrain.Grpc.Internal.Client;

namespace CityBrain.Grpc;

/// <summary>A client-streaming call in flight: write requests, complete the stream, await the response.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncClientStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseAsync = responseAsync;
    }

    /// <summary>The request stream; call <see cref="IClientStreamWriter{T}.CompleteAsync"/> after the last request.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response; fails with <see cref="RpcException"/> for a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.GetResponseHeadersAsync();

    /// <summary>Allows <c>await call</c>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>The status; only after the call has completed.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailers; only after the call has completed.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still running and releases its resources.</summary>
    public void Dispose() => _call.Dispose();
}
