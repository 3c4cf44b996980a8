using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Hosting;

/// <summary>In development (no signing key configured) prints a ready-made token for every development identity
/// (<see cref="DevelopmentIdentities"/>: every role, and a dispatcher limited to one community) at start.</summary>
internal sealed class DevelopmentTokens(SigningKeys keys, TokenIssuer issuer, ILogger<DevelopmentTokens> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keys.Generated)
        {
            return Task.CompletedTask;
        }

        GatewayLog.DevelopmentKey(logger);
        foreach (var (caller, _, _) in DevelopmentIdentities.Callers)
        {
            var who = caller.Role switch
            {
                Role.Feed => $"source {caller.Source}",
                Role.Department => $"department {caller.DepartmentId}",
                _ when caller.Jurisdiction.Count > 0 => $"{caller.UserId} ({string.Join(',', caller.Jurisdiction)})",
                _ => caller.UserId,
            };
            GatewayLog.DevelopmentToken(logger, ApiRoles.NameOf(caller.Role), who, issuer.Issue(caller, TimeSpan.FromDays(30)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
