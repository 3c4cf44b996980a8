namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>One <c>resource</c>: a file that goes with the alert (a snapshot, a clip).</summary>
internal sealed record CapResource(string Description, string MimeType, string? Uri);
