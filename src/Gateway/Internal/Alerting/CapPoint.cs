namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>A WGS 84 point as CAP writes it: latitude first.</summary>
internal readonly record struct CapPoint(double Latitude, double Longitude);
