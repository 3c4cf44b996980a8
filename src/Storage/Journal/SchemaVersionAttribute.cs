namespace CityBrain.Storage;

/// <summary>On a journaled state, event or feed entry type: the schema version this build writes (default 1). A stored
/// row with a higher version was written by a newer build and is refused rather than misread.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class SchemaVersionAttribute(int version) : Attribute
{
    /// <summary>The schema version.</summary>
    public int Version { get; } = version;
}
