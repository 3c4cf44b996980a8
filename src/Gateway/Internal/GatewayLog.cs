using CityBrain.Contracts;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal;

/// <summary>Every log message of the gateway.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Error, "API call {Method} failed unexpectedly")]
    public static partial void CallFailed(ILogger logger, Exception exception, string method);

    [LoggerMessage(2, LogLevel.Warning, "API call {Method} could not be served: {Reason}")]
    public static partial void CallUnavailable(ILogger logger, string method, string reason);

    [LoggerMessage(3, LogLevel.Debug, "{User} ({Role}) refused for {Method}: role not allowed")]
    public static partial void RoleRefused(ILogger logger, string user, Role role, string method);

    [LoggerMessage(4, LogLevel.Warning, "No CityBrain:Auth:SigningKey is configured: development mode, with a key generated for this process. Tokens below die with it; configure a key for anything else.")]
    public static partial void DevelopmentKey(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "Development token, role {Role} ({Who}): {Token}")]
    public static partial void DevelopmentToken(ILogger logger, string role, string who, string token);

    [LoggerMessage(6, LogLevel.Debug, "SubmitStream from {Caller} ended: {Events} events, {Refused} refused")]
    public static partial void StreamEnded(ILogger logger, string caller, long events, long refused);
}
