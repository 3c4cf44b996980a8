using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>Collects the request delegates of one service type <typeparamref name="TImplementation"/> for endpoint routing.</summary>
internal sealed class EndpointServiceBinder<TImplementation>(ServerCallPipeline pipeline) : ServiceBinder
    where TImplementation : class
{
    private readonly ServiceActivator<TImplementation> _activator = new();

    public List<(IMethod Method, RequestDelegate Handler)> Methods { get; } = [];

    public override void AddUnaryMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TService, TRequest, TResponse> handler) =>
        Add<TService, TRequest, TResponse>(method, MethodType.Unary, handler);

    public override void AddClientStreamingMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TService, TRequest, TResponse> handler) =>
        Add<TService, TRequest, TResponse>(method, MethodType.ClientStreaming, handler);

    public override void AddServerStreamingMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TService, TRequest, TResponse> handler) =>
        Add<TService, TRequest, TResponse>(method, MethodType.ServerStreaming, handler);

    public override void AddDuplexStreamingMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TService, TRequest, TResponse> handler) =>
        Add<TService, TRequest, TResponse>(method, MethodType.DuplexStreaming, handler);

    private void Add<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, Delegate handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handler);
        if (method.Type != expected)
        {
            throw new ArgumentException($"Method {method.FullName} is {method.Type}, not {expected}.", nameof(method));
        }

        if (!typeof(TService).IsAssignableFrom(typeof(TImplementation)))
        {
            throw new InvalidOperationException($"{typeof(TImplementation)} does not derive from {typeof(TService)}, which declares {method.FullName}.");
        }

        var callHandler = new ServerCallHandler<TService, TRequest, TResponse>(method, pipeline, _activator, handler);
        Methods.Add((method, callHandler.HandleCallAsync));
    }
}
