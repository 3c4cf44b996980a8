using CityBrain.Silo.Hosting;
using CityBrain.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Tests.Deploy;

/// <summary>Checks deployment settings against the silo's real option classes and validators.</summary>
internal static class SiloSettings
{
    // Longest prefix first: a key belongs to the most specific section it starts with.
    private static readonly (string Prefix, Type Options)[] Sections =
    [
        (StorageOptions.Section, typeof(StorageOptions)),
        (ClusterSettings.Section, typeof(ClusterSettings)),
        (SiloOptions.Section, typeof(SiloOptions)),
    ];

    /// <summary>True when <paramref name="key"/> (<c>CityBrain__Cluster__Enabled</c> or with colons) names a real settable
    /// option property.</summary>
    public static bool IsKnownKey(string key)
    {
        var path = key.Replace("__", ":", StringComparison.Ordinal);
        foreach (var (prefix, options) in Sections)
        {
            if (!path.StartsWith(prefix + ":", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var type = options;
            foreach (var part in path[(prefix.Length + 1)..].Split(':'))
            {
                var property = type.GetProperty(part, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
                if (property is null || property.SetMethod is null)
                {
                    return false;
                }

                type = property.PropertyType;
            }

            return true;
        }

        return false;
    }

    /// <summary>Binds the settings as the silo does and runs its validators; returns their failures.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build();
        var silo = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var failures = new List<string>();
        foreach (var result in new[]
        {
            new SiloOptionsValidator(Options.Create(cluster)).Validate(null, silo),
            new ClusterSettingsValidator(Options.Create(storage)).Validate(null, cluster),
            new StorageOptionsValidator().Validate(null, storage),
        })
        {
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        return failures;
    }
}
