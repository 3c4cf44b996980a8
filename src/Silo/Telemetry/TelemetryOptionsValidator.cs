using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Telemetry;

/// <summary>Stops start-up when the OTLP endpoint is set but is not an absolute http(s) URL, naming the key it came from,
/// when the trace sample ratio is outside 0 to 1, or when the most traces a second is negative.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && options.OtlpUri() is null)
        {
            return ValidateOptionsResult.Fail($"{options.OtlpEndpointKey} must be an absolute http:// or https:// URL such as http://collector:4317 (was '{options.OtlpEndpoint}').");
        }

        if (options.TraceSampleRatio is not (>= 0 and <= 1))
        {
            return ValidateOptionsResult.Fail(FormattableString.Invariant($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.TraceSampleRatio)} must be between 0 and 1 (was {options.TraceSampleRatio})."));
        }

        return options.MaxTracesPerSecond >= 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(FormattableString.Invariant($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.MaxTracesPerSecond)} must be 0 (no limit) or more (was {options.MaxTracesPerSecond})."));
    }
}
