using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Telemetry;

/// <summary>Stops start-up when the OTLP endpoint is set but is not an absolute http(s) URL, naming the key it came from.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        string.IsNullOrWhiteSpace(options.OtlpEndpoint) || options.OtlpUri() is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{options.OtlpEndpointKey} must be an absolute http:// or https:// URL such as http://collector:4317 (was '{options.OtlpEndpoint}').");
}
