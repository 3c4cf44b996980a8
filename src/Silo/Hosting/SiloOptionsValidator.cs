using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Stops start-up with a precise message when a silo setting cannot work.</summary>
internal sealed class SiloOptionsValidator(IOptions<ClusterSettings> cluster) : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        var ports = new List<(string Key, int Port)>();
        CheckUrl(errors, ports, "CityBrain:GrpcUrl", options.GrpcUrl);
        CheckUrl(errors, ports, "CityBrain:HttpUrl", options.HttpUrl);
        ports.Add(("CityBrain:Cluster:SiloPort", cluster.Value.SiloPort));
        ports.Add(("CityBrain:Cluster:GatewayPort", cluster.Value.GatewayPort));
        foreach (var clash in ports.Where(p => p.Port != 0).GroupBy(p => p.Port).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(" and ", clash.Select(p => p.Key))} use the same port {clash.Key}.");
        }

        if (options.DrainBeforeStop < TimeSpan.Zero || options.DrainBeforeStop > TimeSpan.FromMinutes(5))
        {
            errors.Add("CityBrain:DrainBeforeStop must be between 00:00:00 and 00:05:00.");
        }

        if (options.ResponseTimeout <= TimeSpan.Zero || options.CollectionAge <= TimeSpan.Zero)
        {
            errors.Add("CityBrain:ResponseTimeout and CityBrain:CollectionAge must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUrl(List<string> errors, List<(string, int)> ports, string key, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.IsDefaultPort && !value.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"{key} must be an absolute http:// or https:// URL with a port (was '{value}').");
            return;
        }

        ports.Add((key, uri.Port));
    }
}
