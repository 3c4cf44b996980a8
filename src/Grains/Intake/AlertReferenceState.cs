namespace CityBrain.Grains.Intake;

/// <summary>The state of an <see cref="AlertReferenceGrain"/>.</summary>
[GenerateSerializer]
[Alias("CityBrain.Grains.Intake.AlertReferenceState")]
public sealed record AlertReferenceState
{
    /// <summary>The incident the alert went to.</summary>
    [Id(0)]
    public string IncidentId { get; init; } = string.Empty;
}
