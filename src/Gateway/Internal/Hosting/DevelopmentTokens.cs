using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Hosting;

/// <summary>In development (no signing key configured) prints a ready-made token for every role at start.</summary>
internal sealed class DevelopmentTokens(SigningKeys keys, TokenIssuer issuer, ILogger<DevelopmentTokens> logger) : IHostedService
{
    /// <summary>The callers the tokens are for: one per role, with the demo city's names.</summary>
    public static IReadOnlyList<Actor> Callers { get; } =
    [
        new Actor { UserId = "hotline-12345", Role = Role.Feed, Source = "hotline-12345" },
        new Actor { UserId = "dispatcher-1", Role = Role.Dispatcher },
        new Actor { UserId = "police-desk", Role = Role.Department, DepartmentId = "police" },
        new Actor { UserId = "viewer-1", Role = Role.Viewer },
        new Actor { UserId = "admin-1", Role = Role.Admin },
        new Actor { UserId = "worker-w0001", Role = Role.Worker },
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keys.Generated)
        {
            return Task.CompletedTask;
        }

        GatewayLog.DevelopmentKey(logger);
        foreach (var caller in Callers)
        {
            var who = caller.Role switch
            {
                Role.Feed => $"source {caller.Source}",
                Role.Department => $"department {caller.DepartmentId}",
                _ => caller.UserId,
            };
            GatewayLog.DevelopmentToken(logger, ApiRoles.NameOf(caller.Role), who, issuer.Issue(caller, TimeSpan.FromDays(30)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
