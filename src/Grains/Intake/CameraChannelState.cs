namespace CityBrain.Grains.Intake;

/// <summary>The state of a camera channel: its open incident and the alerts it has seen (bounded).</summary>
[GenerateSerializer]
[Alias("CityBrain.Grains.Intake.CameraChannelState")]
public sealed record CameraChannelState
{
    /// <summary>The incident repeated alerts merge into.</summary>
    [Id(0)]
    public string CurrentIncidentId { get; init; } = string.Empty;

    /// <summary>When the last alert arrived (the merge window slides from here).</summary>
    [Id(1)]
    public DateTimeOffset LastAlertAt { get; init; }

    /// <summary>Recent alert event ids and the incident each went to, oldest first (at most 512).</summary>
    [Id(2)]
    public IReadOnlyList<KeyValuePair<string, string>> Recent { get; init; } = [];
}
