namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>A <c>circle</c>: its centre and radius in kilometres.</summary>
internal sealed record CapCircle(CapPoint Centre, double RadiusKm);
