using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// JwtBearer for the tokens we issue (<see cref="TokenValidator"/>): the validated token becomes the call's
/// <see cref="Caller"/>; a missing or refused token is UNAUTHENTICATED and a role the method does not admit
/// PERMISSION_DENIED, each with a message saying why, in the caller's protocol (<see cref="ApiRefusals"/>).
/// </summary>
internal sealed class JwtBearerSetup(TokenValidator tokens, ILogger<JwtBearerSetup> logger) : IConfigureNamedOptions<JwtBearerOptions>
{
    private const string FailureKey = "citybrain.auth-failure";

    public void Configure(JwtBearerOptions options) => Configure(JwtBearerDefaults.AuthenticationScheme, options);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        options.MapInboundClaims = false;
        options.TokenValidationParameters = tokens.Parameters;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(tokens.Handler);
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                string authorization = context.Request.Headers.Authorization.ToString();
                if (authorization.Length > 0 && !(authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > "Bearer ".Length))
                {
                    context.HttpContext.Items[FailureKey] = "the authorization header is not a bearer token";
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                try
                {
                    CallerFeature.Set(context.HttpContext, tokens.Admit((JsonWebToken)context.SecurityToken));
                }
                catch (TokenRefusedException refused)
                {
                    context.HttpContext.Items[FailureKey] = refused.Message;
                    context.Fail(refused);
                }

                return Task.CompletedTask;
            },
            OnAuthenticationFailed = context =>
            {
                context.HttpContext.Items.TryAdd(FailureKey, TokenValidator.Describe(context.Exception));
                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                context.HandleResponse();
                var why = context.HttpContext.Items[FailureKey] as string
                    ?? "missing authorization header (expected 'authorization: Bearer <token>')";
                return ApiRefusals.WriteAsync(context.HttpContext, StatusCode.Unauthenticated, why);
            },
            OnForbidden = context =>
            {
                var caller = context.HttpContext.Features.Get<Caller>();
                var method = RolePolicy.ApiMethodOf(context.HttpContext.GetEndpoint()?.Metadata);
                var name = method?.Name ?? context.Request.Path.ToString();
                if (caller is not null)
                {
                    GatewayLog.RoleRefused(logger, caller.Actor.UserId, caller.Role, method?.FullName ?? name);
                }

                var who = caller is null ? "the caller" : $"{caller.Actor.UserId} ({ApiRoles.NameOf(caller.Role)})";
                return ApiRefusals.WriteAsync(context.HttpContext, StatusCode.PermissionDenied, $"{who} may not call {name}.");
            },
        };
    }
}
