namespace CityBrain.Actors;

/// <summary>Lets every request to this grain interleave with the others (they still never run in parallel).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;
