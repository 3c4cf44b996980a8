using CityBrain.Gateway.Internal.RateLimiting;
using CityBrain.Grpc;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// Runs before every call of the public API (<c>citybrain.v1.*</c>): authenticates the bearer token
/// (UNAUTHENTICATED), checks the role against <see cref="RolePolicy"/> (PERMISSION_DENIED) and takes a token from
/// the caller's rate-limit bucket (RESOURCE_EXHAUSTED; a SubmitStream takes one per event instead). Other services
/// — health, reflection, the silo-to-silo endpoint — are not touched.
/// </summary>
internal sealed class AuthInterceptor(TokenValidator tokens, CallerRateLimiter limiter, ILogger<AuthInterceptor> logger) : IGrpcServerInterceptor
{
    public ValueTask OnCallAsync(ServerCallContext context, IMethod method)
    {
        if (!RolePolicy.IsApi(method))
        {
            return ValueTask.CompletedTask;
        }

        var authenticating = tokens.AuthenticateAsync(context.HttpContext.Request.Headers.Authorization);
        if (authenticating.IsCompletedSuccessfully)
        {
            Admit(context, method, authenticating.Result);
            return ValueTask.CompletedTask;
        }

        return AdmitAsync(context, method, authenticating);
    }

    private async ValueTask AdmitAsync(ServerCallContext context, IMethod method, ValueTask<Caller> authenticating) =>
        Admit(context, method, await authenticating.ConfigureAwait(false));

    private void Admit(ServerCallContext context, IMethod method, Caller caller)
    {
        if (!RolePolicy.Allows(method, caller.Role))
        {
            GatewayLog.RoleRefused(logger, caller.Actor.UserId, caller.Role, method.FullName);
            throw new RpcException(StatusCode.PermissionDenied, $"{caller.Actor.UserId} ({ApiRoles.NameOf(caller.Role)}) may not call {method.Name}.");
        }

        if (method.Type != MethodType.DuplexStreaming && !limiter.TryAcquire(caller))
        {
            throw CallerRateLimiter.Exhausted(caller);
        }

        CallerFeature.Set(context, caller);
    }
}
