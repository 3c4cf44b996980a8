using Microsoft.Extensions.Options;

namespace CityBrain.Grains.Hosting;

/// <summary>Stops start-up when the configured city file does not exist.</summary>
internal sealed class CityBrainGrainsOptionsValidator : IValidateOptions<CityBrainGrainsOptions>
{
    public ValidateOptionsResult Validate(string? name, CityBrainGrainsOptions options) =>
        options.CityFile is { } file && !File.Exists(file)
            ? ValidateOptionsResult.Fail($"CityBrain:CityFile '{file}' does not exist (full path {Path.GetFullPath(file)}).")
            : ValidateOptionsResult.Success;
}
