namespace CityBrain.Gateway.Internal.Alerting;

/// <summary>One <c>info</c> block.</summary>
internal sealed record CapInfo(
    IReadOnlyList<string> Categories,
    string Event,
    string Urgency,
    string Severity,
    string Certainty,
    string? Headline,
    string? Description,
    string? Instruction,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    IReadOnlyList<CapResource> Resources,
    IReadOnlyList<CapArea> Areas);
