using CityBrain.Contracts;

namespace CityBrain.Grains.Drills;

/// <summary>The stored state of a drill: its scenario and which events were injected as which incidents.</summary>
[GenerateSerializer]
[Alias("CityBrain.Grains.Drills.DrillProgress")]
public sealed record DrillProgress
{
    /// <summary>The scenario text (re-parsed when injecting).</summary>
    [Id(0)]
    public string ScenarioText { get; init; } = string.Empty;

    /// <summary>The scenario's SHA-256 (starting again with the same text is a no-op).</summary>
    [Id(1)]
    public string ScenarioSha256 { get; init; } = string.Empty;

    /// <summary>The drill's name.</summary>
    [Id(2)]
    public string Name { get; init; } = string.Empty;

    /// <summary>When the drill started; events are due at this plus their offsets.</summary>
    [Id(3)]
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Number of scenario events.</summary>
    [Id(4)]
    public int EventCount { get; init; }

    /// <summary>Injected events: scenario event id and incident id, in injection order.</summary>
    [Id(5)]
    public IReadOnlyList<KeyValuePair<string, string>> Injected { get; init; } = [];

    /// <summary>The user who started it.</summary>
    [Id(6)]
    public string StartedBy { get; init; } = string.Empty;

    /// <summary>When it was stopped or cancelled (nothing is injected after this); null while it runs.</summary>
    [Id(7)]
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>Who stopped or cancelled it (the last of the two).</summary>
    [Id(8)]
    public string StoppedBy { get; init; } = string.Empty;

    /// <summary>Their role (the retractions of a cancel are recorded as this user in this role).</summary>
    [Id(9)]
    public Role StoppedByRole { get; init; }

    /// <summary>The reason given (optional).</summary>
    [Id(10)]
    public string StopReason { get; init; } = string.Empty;

    /// <summary>Cancelled: its open incidents are retracted (and a "close" deadline retries that until done).</summary>
    [Id(11)]
    public bool Cancelled { get; init; }

    /// <summary>Open incidents a cancel retracted.</summary>
    [Id(12)]
    public int IncidentsClosed { get; init; }
}
