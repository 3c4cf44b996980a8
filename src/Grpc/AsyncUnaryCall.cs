using System.Runtime.CompilerServices;
using CityBrain.Grpc.Internal.Client;

namespace CityBrain.Grpc;

/// <summary>A unary call in flight. Await it (or <see cref="ResponseAsync"/>) for the response; dispose it to cancel.</summary>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncUnaryCall(IClientCall call, Task<TResponse> responseAsync)
    {
        _call = call;
        ResponseAsync = responseAsync;
    }

    /// <summary>The response; fails with <see cref="RpcException"/> for a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The response headers, available before the response.</summary>
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
