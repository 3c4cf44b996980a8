namespace CityBrain.Actors;

/// <summary>On a grain interface method: requests for it interleave with any other request.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;
