namespace CityBrain.Actors.Storage;

internal enum WriteKind
{
    /// <summary>Only timer changes; nothing version-checked.</summary>
    TimersOnly,
    WriteState,
    ClearState,
    AppendEvents,
}

/// <summary>Everything one grain commits at once: at most one version-checked write (state or journal append)
/// and the timer changes that must be durable with it. A group is atomic: on a version conflict none of it is written.</summary>
internal sealed class WriteGroup
{
    public required GrainId Grain { get; init; }

    public required WriteKind Kind { get; init; }

    /// <summary>The stored version (or journal length) the write expects to find.</summary>
    public long ExpectedVersion { get; init; }

    /// <summary>The new state, for <see cref="WriteKind.WriteState"/>.</summary>
    public Payload State { get; init; }

    /// <summary>The events to append, for <see cref="WriteKind.AppendEvents"/>, numbered from ExpectedVersion + 1.</summary>
    public IReadOnlyList<(DateTimeOffset RecordedAt, Payload Payload)> Events { get; init; } = [];

    /// <summary>A snapshot to store with the append.</summary>
    public StoredSnapshot? Snapshot { get; init; }

    public IReadOnlyList<TimerChange> Timers { get; init; } = [];

    /// <summary>Change-feed entries to publish with the write.</summary>
    public IReadOnlyList<FeedWrite> Feed { get; init; } = [];

    /// <summary>When the write was made (stored as updated_at).</summary>
    public DateTimeOffset At { get; init; }
}
