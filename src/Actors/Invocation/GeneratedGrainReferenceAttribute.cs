namespace CityBrain.Actors.Invocation;

/// <summary>Emitted by the source generator: names the reference factory generated for a grain interface.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GeneratedGrainReferenceAttribute(Type grainInterface, Type factory) : Attribute
{
    /// <summary>The grain interface.</summary>
    public Type GrainInterface { get; } = grainInterface;

    /// <summary>A type implementing <see cref="IGrainReferenceFactory"/> with a public parameterless constructor.</summary>
    public Type Factory { get; } = factory;
}
