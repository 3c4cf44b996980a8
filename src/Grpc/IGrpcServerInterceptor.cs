namespace CityBrain.Grpc;

/// <summary>
/// Runs before every handler, after the call headers are validated and before the request is read. Register
/// implementations as singletons in DI (<c>services.AddGrpcInterceptor&lt;T&gt;()</c>); they run in registration
/// order. Throw <see cref="RpcException"/> to reject the call: the client receives that status (and its
/// trailers) as a Trailers-Only response and the handler never runs. Use
/// <c>context.HttpContext.RequestServices</c> for scoped dependencies.
/// </summary>
public interface IGrpcServerInterceptor
{
    /// <summary>Inspects the call before its handler runs.</summary>
    /// <param name="context">The call.</param>
    /// <param name="method">The method being called.</param>
    ValueTask OnCallAsync(ServerCallContext context, IMethod method);
}
