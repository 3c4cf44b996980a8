namespace CityBrain.Actors.Invocation;

/// <summary>The result type of a grain method that returns no value.</summary>
public readonly struct VoidResult;
