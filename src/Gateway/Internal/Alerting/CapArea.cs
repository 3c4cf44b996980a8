namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>One <c>area</c>: its description and shapes, in document order.</summary>
internal sealed record CapArea(string Description, IReadOnlyList<IReadOnlyList<CapPoint>> Polygons, IReadOnlyList<CapCircle> Circles);
