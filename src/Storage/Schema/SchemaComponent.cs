using System.Reflection;

namespace CityBrain.Storage.Schema;

/// <summary>
/// The versioned scripts of one part of the schema, embedded as <c>schema/{component}/NNNN_description.{postgres|sqlite}.sql</c>:
/// <c>orleans</c> (the tables and <c>OrleansQuery</c> rows the Orleans ADO.NET providers read) and <c>storage</c>
/// (our journal, change feed and deadline checkpoints). Each script is applied once, in order, and recorded in
/// <c>cb_migration</c>.
/// </summary>
/// <param name="Name">The component, as recorded in <c>cb_migration</c>.</param>
internal sealed record SchemaComponent(string Name)
{
    /// <summary>The Orleans ADO.NET providers' tables (persistence, clustering, reminders), applied first.</summary>
    public static SchemaComponent Orleans { get; } = new("orleans");

    /// <summary>Our journal, change feed and deadline tables.</summary>
    public static SchemaComponent Storage { get; } = new("storage");

    /// <summary>Every component, in the order they are applied.</summary>
    public static IReadOnlyList<SchemaComponent> All { get; } = [Orleans, Storage];

    private static Assembly Assembly => typeof(SchemaComponent).Assembly;

    /// <summary>The component's scripts for <paramref name="kind"/>, by version.</summary>
    public IReadOnlyList<SchemaScript> Scripts(DatabaseKind kind)
    {
        var prefix = $"schema/{Name}/";
        var suffix = kind == DatabaseKind.Postgres ? ".postgres.sql" : ".sqlite.sql";
        var scripts = new List<SchemaScript>();
        foreach (var resource in Assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var stem = resource[prefix.Length..^suffix.Length];
            var underscore = stem.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(stem[..underscore], out var version) || version <= 0)
            {
                throw new InvalidOperationException($"Schema script '{resource}' is not named NNNN_description{suffix}.");
            }

            scripts.Add(new SchemaScript(version, stem[(underscore + 1)..], resource));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Schema component '{Name}' has two {suffix} scripts with version {scripts[i].Version}.");
            }
        }

        return scripts;
    }

    /// <summary>The text of a script.</summary>
    public static string Read(SchemaScript script)
    {
        using var stream = Assembly.GetManifestResourceStream(script.Resource)
            ?? throw new InvalidOperationException($"Schema script '{script.Resource}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>One schema script.</summary>
internal sealed record SchemaScript(int Version, string Description, string Resource);
