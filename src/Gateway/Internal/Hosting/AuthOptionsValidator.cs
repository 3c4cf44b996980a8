using CityBrain.Gateway.Internal.Security;
using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.Hosting;

/// <summary>Stops start-up when a signing key cannot be used, naming the key.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        if (options.SigningKey.Length > 0 && SigningKeys.TryDecode(options.SigningKey, out var problem) is null)
        {
            errors.Add($"CityBrain:Auth:SigningKey {problem}.");
        }

        if (options.SigningKey.Length == 0 && options.PreviousSigningKeys.Count > 0)
        {
            errors.Add("CityBrain:Auth:PreviousSigningKeys needs CityBrain:Auth:SigningKey (the current key) too.");
        }

        for (var i = 0; i < options.PreviousSigningKeys.Count; i++)
        {
            if (SigningKeys.TryDecode(options.PreviousSigningKeys[i], out var previous) is null)
            {
                errors.Add($"CityBrain:Auth:PreviousSigningKeys:{i} {previous}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            errors.Add("CityBrain:Auth:Issuer and CityBrain:Auth:Audience must not be empty.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromHours(1))
        {
            errors.Add($"CityBrain:Auth:ClockSkew must be between 0 and 1 hour (was {options.ClockSkew}).");
        }

        if (options.TokenCacheSize < 1)
        {
            errors.Add($"CityBrain:Auth:TokenCacheSize must be at least 1 (was {options.TokenCacheSize}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
