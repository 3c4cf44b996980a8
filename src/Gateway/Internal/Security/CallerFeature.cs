using Grpc.Core;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>Carries the authenticated caller from the interceptor to the service (an HTTP feature of the call).</summary>
internal static class CallerFeature
{
    public static void Set(ServerCallContext context, Caller caller) => context.GetHttpContext().Features.Set(caller);

    /// <summary>The caller the interceptor authenticated.</summary>
    /// <exception cref="InvalidOperationException">No interceptor ran (the gateway is mis-wired).</exception>
    public static Caller Caller(this ServerCallContext context) =>
        context.GetHttpContext().Features.Get<Caller>()
        ?? throw new InvalidOperationException("No authenticated caller: the gateway's interceptor is not registered.");
}
