using CityBrain.Actors;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Hosting;

/// <summary>Stops start-up with a precise message when a silo setting cannot work.</summary>
internal sealed class SiloOptionsValidator(IOptions<ActorRuntimeOptions> actors) : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        var ports = new List<(string Key, Uri Url)>();
        CheckUrl(errors, ports, "CityBrain:GrpcUrl", options.GrpcUrl);
        CheckUrl(errors, ports, "CityBrain:HttpUrl", options.HttpUrl);
        if (actors.Value.Cluster.Enabled)
        {
            CheckUrl(errors, ports, "CityBrain:ClusterUrl", options.ClusterUrl);
            if (options.ClusterSecret.Length < 16)
            {
                errors.Add("CityBrain:ClusterSecret must be set (at least 16 characters) when CityBrain:Actors:Cluster:Enabled is true.");
            }
        }

        foreach (var clash in ports.GroupBy(p => p.Url.Port).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(" and ", clash.Select(p => p.Key))} use the same port {clash.Key}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUrl(List<string> errors, List<(string, Uri)> ports, string key, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.IsDefaultPort && !value.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"{key} must be an absolute http:// or https:// URL with a port (was '{value}').");
            return;
        }

        ports.Add((key, uri));
    }
}
