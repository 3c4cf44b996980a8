using Microsoft.Extensions.Options;

namespace CityBrain.Gateway.Internal.Hosting;

/// <summary>Stops start-up when a gateway setting cannot work.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options) =>
        options.StreamWindow is < 1 or > 65_536
            ? ValidateOptionsResult.Fail($"CityBrain:Gateway:StreamWindow must be between 1 and 65536 (was {options.StreamWindow}).")
            : ValidateOptionsResult.Success;
}
