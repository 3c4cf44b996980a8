using System.Reflection;

namespace CityBrain.Actors;

/// <summary>
/// Versioned SQL scripts of one component, embedded in an assembly as
/// <c>{prefix}NNNN_description.{postgres|sqlite}.sql</c>. They are applied in order at start-up, each once,
/// inside one transaction that also records them in <c>cb_migration</c>.
/// </summary>
/// <param name="Component">The component name, e.g. <c>actors</c> or <c>city</c>.</param>
/// <param name="Assembly">The assembly holding the scripts as embedded resources.</param>
/// <param name="ResourcePrefix">The resource-name prefix shared by the scripts, e.g. <c>migrations/</c>.</param>
public sealed record MigrationSet(string Component, Assembly Assembly, string ResourcePrefix)
{
    /// <summary>The runtime's own tables.</summary>
    public static MigrationSet Runtime { get; } = new("actors", typeof(MigrationSet).Assembly, "migrations/");

    internal IReadOnlyList<(int Version, string Description, string ResourceName)> Scripts(string dialectSuffix)
    {
        var suffix = $".{dialectSuffix}.sql";
        var scripts = new List<(int, string, string)>();
        foreach (var name in Assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !name.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var stem = name[ResourcePrefix.Length..^suffix.Length];
            var underscore = stem.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(stem[..underscore], out var version) || version <= 0)
            {
                throw new InvalidOperationException($"Migration script '{name}' of component '{Component}' is not named NNNN_description{suffix}.");
            }

            scripts.Add((version, stem[(underscore + 1)..], name));
        }

        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Item1 == scripts[i - 1].Item1)
            {
                throw new InvalidOperationException($"Component '{Component}' has two migration scripts with version {scripts[i].Item1}.");
            }
        }

        return scripts;
    }

    internal string ReadScript(string resourceName)
    {
        using var stream = Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Migration resource '{resourceName}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
