using Google.Protobuf;

namespace CityBrain.Grpc;

/// <summary>
/// Collects the methods of one service when it is mapped. Generated code calls it with the handler delegates
/// of the service base class; the server supplies the implementation.
/// </summary>
public abstract class ServiceBinder
{
    /// <summary>For the server's implementations.</summary>
    protected ServiceBinder()
    {
    }

    /// <summary>Binds a unary method.</summary>
    /// <typeparam name="TService">The service base type declaring the handler.</typeparam>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="method">The method description.</param>
    /// <param name="handler">Invokes the handler on a service instance.</param>
    public abstract void AddUnaryMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TService, TRequest, TResponse> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Binds a client-streaming method.</summary>
    /// <typeparam name="TService">The service base type declaring the handler.</typeparam>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="method">The method description.</param>
    /// <param name="handler">Invokes the handler on a service instance.</param>
    public abstract void AddClientStreamingMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Binds a server-streaming method.</summary>
    /// <typeparam name="TService">The service base type declaring the handler.</typeparam>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="method">The method description.</param>
    /// <param name="handler">Invokes the handler on a service instance.</param>
    public abstract void AddServerStreamingMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    /// <summary>Binds a bidirectional-streaming method.</summary>
    /// <typeparam name="TService">The service base type declaring the handler.</typeparam>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="method">The method description.</param>
    /// <param name="handler">Invokes the handler on a service instance.</param>
    public abstract void AddDuplexStreamingMethod<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TService, TRequest, TResponse> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;
}
