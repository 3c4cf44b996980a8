namespace CityBrain.Storage.Internal;

/// <summary>A grain as the store names it: its Orleans grain type and key, as text.</summary>
internal readonly record struct StoredGrain(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}

/// <summary>One stored journal event.</summary>
internal readonly record struct StoredEvent(long Sequence, DateTimeOffset RecordedAt, Payload Payload);

/// <summary>A journal snapshot: the state after <see cref="Sequence"/> events.</summary>
internal sealed record StoredSnapshot(long Sequence, Payload Payload);

/// <summary>What activating a journaled grain reads: the latest snapshot and the events after it.</summary>
internal sealed record JournalLoad(StoredSnapshot? Snapshot, IReadOnlyList<StoredEvent> Events);

/// <summary>A change to one of a grain's deadlines: armed for <see cref="DueAt"/>, or cancelled (null).</summary>
internal readonly record struct DeadlineChange(string Name, DateTimeOffset? DueAt);

/// <summary>An entry a grain publishes with its append: on a feed, optionally under a tag (a second index).</summary>
internal readonly record struct FeedWrite(string Feed, string? Tag, Payload Payload);

/// <summary>An outbox message a grain stages with its append; <see cref="Id"/> is fixed when it is staged.</summary>
internal readonly record struct OutboxWrite(string Id, string Subscriber, string OrderingKey, string Payload);

/// <summary>A stored feed entry.</summary>
internal readonly record struct StoredFeedEntry(long Position, StoredGrain Grain, DateTimeOffset RecordedAt, Payload Payload);

/// <summary>A deadline change as read back from the feed, with its position.</summary>
internal readonly record struct StoredDeadlineChange(long Position, StoredGrain Grain, string Name, DateTimeOffset? DueAt);

/// <summary>
/// Everything one grain commits at once: a journal append (events numbered from <see cref="ExpectedVersion"/> + 1,
/// version-checked: if another activation appended first, none of it is written), with the feed entries and deadline
/// changes and outbox messages that must be durable with it. With no events it is a plain write of the rest.
/// </summary>
internal sealed class AppendRequest
{
    public required StoredGrain Grain { get; init; }

    /// <summary>The journal length the append expects to find.</summary>
    public long ExpectedVersion { get; init; }

    public IReadOnlyList<(DateTimeOffset RecordedAt, Payload Payload)> Events { get; init; } = [];

    /// <summary>A snapshot to store with the append.</summary>
    public StoredSnapshot? Snapshot { get; init; }

    public IReadOnlyList<FeedWrite> Feed { get; init; } = [];

    public IReadOnlyList<DeadlineChange> Deadlines { get; init; } = [];

    /// <summary>Outbox messages, pending from the commit on.</summary>
    public IReadOnlyList<OutboxWrite> Outbox { get; init; } = [];

    /// <summary>When the write was made (the feed entries' recorded_at).</summary>
    public DateTimeOffset At { get; init; }
}
