namespace CityBrain.Actors;

/// <summary>Names a grain class's type, the first part of its <see cref="GrainId"/> (e.g. <c>incident</c>).
/// Without it the type name is the class name without a trailing "Grain", in lower case.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}
