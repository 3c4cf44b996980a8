using CityBrain.Gateway.Tests.Infrastructure;

namespace CityBrain.Gateway.Tests.Security;

/// <summary>A server whose buckets hold three tokens and refill once an hour.</summary>
public sealed class RateLimitedServer : GatewayServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["CityBrain:RateLimits:TokenLimit"] = "3",
        ["CityBrain:RateLimits:TokensPerPeriod"] = "1",
        ["CityBrain:RateLimits:ReplenishmentPeriod"] = "01:00:00",
        ["CityBrain:RateLimits:QueueLimit"] = "0",
    };
}
