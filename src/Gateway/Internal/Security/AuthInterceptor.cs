using CityBrain.Gateway.Internal.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// Runs before every call of the public API (<c>citybrain.v1.*</c>): authenticates the bearer token
/// (UNAUTHENTICATED), checks the role against <see cref="RolePolicy"/> (PERMISSION_DENIED) and takes a token from
/// the caller's rate-limit bucket (RESOURCE_EXHAUSTED; a SubmitStream takes one per event instead). Other services
/// — health, reflection — are not touched.
/// </summary>
internal sealed class AuthInterceptor(TokenValidator tokens, CallerRateLimiter limiter, ILogger<AuthInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, MethodType.Unary);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, MethodType.ClientStreaming);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, MethodType.ServerStreaming);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, MethodType.DuplexStreaming);
        await continuation(requestStream, responseStream, context);
    }

    private ValueTask AdmitAsync(ServerCallContext context, MethodType type)
    {
        if (!RolePolicy.IsApi(context.Method))
        {
            return ValueTask.CompletedTask;
        }

        var authenticating = tokens.AuthenticateAsync(context.GetHttpContext().Request.Headers.Authorization);
        if (authenticating.IsCompletedSuccessfully)
        {
            Admit(context, type, authenticating.Result);
            return ValueTask.CompletedTask;
        }

        return AdmitLaterAsync(context, type, authenticating);
    }

    private async ValueTask AdmitLaterAsync(ServerCallContext context, MethodType type, ValueTask<Caller> authenticating) =>
        Admit(context, type, await authenticating.ConfigureAwait(false));

    private void Admit(ServerCallContext context, MethodType type, Caller caller)
    {
        if (!RolePolicy.Allows(context.Method, caller.Role))
        {
            GatewayLog.RoleRefused(logger, caller.Actor.UserId, caller.Role, context.Method);
            var name = context.Method[(context.Method.LastIndexOf('/') + 1)..];
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{caller.Actor.UserId} ({ApiRoles.NameOf(caller.Role)}) may not call {name}."));
        }

        if (type != MethodType.DuplexStreaming && !limiter.TryAcquire(caller))
        {
            throw CallerRateLimiter.Exhausted(caller);
        }

        CallerFeature.Set(context, caller);
    }
}
