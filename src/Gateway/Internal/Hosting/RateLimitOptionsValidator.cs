using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.Hosting;

/// <summary>Stops start-up when a rate limit cannot work.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (options.TokenLimit < 1)
        {
            errors.Add($"CityBrain:RateLimits:TokenLimit must be at least 1 (was {options.TokenLimit}).");
        }

        if (options.TokensPerPeriod < 1)
        {
            errors.Add($"CityBrain:RateLimits:TokensPerPeriod must be at least 1 (was {options.TokensPerPeriod}).");
        }

        if (options.ReplenishmentPeriod <= TimeSpan.Zero)
        {
            errors.Add($"CityBrain:RateLimits:ReplenishmentPeriod must be positive (was {options.ReplenishmentPeriod}).");
        }

        if (options.QueueLimit < 0)
        {
            errors.Add($"CityBrain:RateLimits:QueueLimit must not be negative (was {options.QueueLimit}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
