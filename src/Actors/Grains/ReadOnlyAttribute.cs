namespace CityBrain.Actors;

/// <summary>On a grain interface method: the method does not change state, so it may interleave with other read-only requests.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;
