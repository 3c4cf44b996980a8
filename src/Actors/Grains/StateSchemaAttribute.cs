namespace CityBrain.Actors;

/// <summary>On a grain state or journal event type: the schema version this build writes (default 1).
/// A stored row with a higher version was written by a newer build and is refused rather than misread.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class StateSchemaAttribute(int version) : Attribute
{
    /// <summary>The schema version.</summary>
    public int Version { get; } = version;
}
