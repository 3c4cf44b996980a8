namespace CityBrain.Actors.Storage;

/// <summary>A grain's stored state: its version and payload (null once cleared).</summary>
internal sealed record StoredState(long Version, Payload? Payload);

/// <summary>One stored journal event.</summary>
internal readonly record struct StoredEvent(long Sequence, DateTimeOffset RecordedAt, Payload Payload);

/// <summary>A journal snapshot: the state after <see cref="Sequence"/> events.</summary>
internal sealed record StoredSnapshot(long Sequence, Payload Payload);

/// <summary>What activation of a journaled grain reads: the latest snapshot and the events after it.</summary>
internal sealed record JournalLoad(StoredSnapshot? Snapshot, IReadOnlyList<StoredEvent> Events);

/// <summary>A stored reminder or deadline.</summary>
internal readonly record struct StoredTimer(GrainId Grain, string Name, DateTimeOffset DueAt, TimeSpan? Period);

/// <summary>A change to one of a grain's timers: set (<see cref="DueAt"/> given) or delete. A delete with
/// <see cref="OnlyIfDueAt"/> removes the row only if it still has that due time (a fired deadline that the
/// grain has not meanwhile re-armed).</summary>
internal readonly record struct TimerChange(string Name, DateTimeOffset? DueAt, TimeSpan? Period, DateTimeOffset? OnlyIfDueAt = null)
{
    public bool IsDelete => DueAt is null;
}

/// <summary>An entry a grain publishes to a change feed with its write.</summary>
internal readonly record struct FeedWrite(string Feed, Payload Payload);

/// <summary>A stored feed entry.</summary>
internal readonly record struct StoredFeedEntry(long Position, GrainId Grain, DateTimeOffset RecordedAt, Payload Payload);
