using CityBrain.Actors;
using CityBrain.Actors.Hosting;
using CityBrain.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CityBrain.Silo.Tests.Deploy;

/// <summary>Checks deployment settings against the silo's real option classes and validators.</summary>
internal static class SiloSettings
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CityBrain"] = typeof(SiloOptions),
        ["CityBrain:Actors"] = typeof(ActorRuntimeOptions),
    };

    /// <summary>True when <paramref name="key"/> (<c>CityBrain__Actors__Cluster__Enabled</c> or with colons) names a
    /// real settable option property.</summary>
    public static bool IsKnownKey(string key)
    {
        var parts = key.Replace("__", ":", StringComparison.Ordinal).Split(':');
        if (parts.Length < 2 || !parts[0].Equals("CityBrain", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Type type;
        int next;
        if (parts[1].Equals("Actors", StringComparison.OrdinalIgnoreCase))
        {
            type = Sections["CityBrain:Actors"];
            next = 2;
        }
        else
        {
            type = Sections["CityBrain"];
            next = 1;
        }

        for (var i = next; i < parts.Length; i++)
        {
            var property = type.GetProperty(parts[i], System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is null)
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }

    /// <summary>Binds the settings as the silo does and runs its validators; returns their failures.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)))
            .Build();
        var silo = configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var actors = configuration.GetSection("CityBrain:Actors").Get<ActorRuntimeOptions>() ?? new ActorRuntimeOptions();
        var failures = new List<string>();
        var siloResult = new SiloOptionsValidator(Options.Create(actors)).Validate(null, silo);
        if (siloResult.Failed)
        {
            failures.AddRange(siloResult.Failures);
        }

        var actorResult = new ActorRuntimeOptionsValidator().Validate(null, actors);
        if (actorResult.Failed)
        {
            failures.AddRange(actorResult.Failures);
        }

        return failures;
    }
}
