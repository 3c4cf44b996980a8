using CityBrain.Actors.Storage;

namespace CityBrain.Actors;

/// <summary>
/// A grain whose state is the fold of an append-only event log. <see cref="RaiseEvent"/> applies an event to
/// <see cref="State"/> at once; <see cref="ConfirmEventsAsync"/> appends the raised events durably, numbered
/// <c>Version + 1, Version + 2, ...</c>, with <c>(grain, sequence)</c> unique in storage so two activations can never
/// both append the same position. On activation the latest snapshot is loaded and the events after it replayed;
/// a snapshot is stored every <see cref="SnapshotInterval"/> events so replay stays short.
/// </summary>
/// <typeparam name="TState">The state: a protobuf message or a record.</typeparam>
/// <typeparam name="TEvent">The event type: a protobuf message (e.g. with a <c>oneof</c>) or a record hierarchy
/// with System.Text.Json polymorphism attributes.</typeparam>
public abstract class JournaledGrain<TState, TEvent> : Grain
    where TState : class, new()
    where TEvent : class
{
    private readonly List<(DateTimeOffset RecordedAt, TEvent Event)> _unconfirmed = [];
    private TState _state = new();
    private Task _confirming = Task.CompletedTask;

    /// <summary>The state after all confirmed and raised events.</summary>
    protected TState State => _state;

    /// <summary>The number of confirmed events (the sequence of the last one).</summary>
    protected long Version { get; private set; }

    /// <summary>Events raised but not yet confirmed.</summary>
    protected int UnconfirmedCount => _unconfirmed.Count;

    /// <summary>Store a snapshot every this many events; 0 disables snapshots. Default 100.</summary>
    protected virtual int SnapshotInterval => 100;

    /// <summary>Applies one event to the state and returns the new state. Must be deterministic: it runs again on replay.</summary>
    protected abstract TState Apply(TState state, TEvent @event);

    /// <summary>Applies the event now and queues it for <see cref="ConfirmEventsAsync"/>.</summary>
    protected void RaiseEvent(TEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        _state = Apply(_state, @event);
        _unconfirmed.Add((TimeProvider.GetUtcNow(), @event));
    }

    /// <summary>Appends the raised events, with the staged deadline changes, in one durable transaction. On failure
    /// the activation is deactivated, so the next call sees only what storage holds. In a grain whose requests
    /// interleave, confirmations run one after another; each appends the events raised before it was called.</summary>
    protected Task ConfirmEventsAsync()
    {
        var confirm = ConfirmAfterAsync(_confirming, _unconfirmed.Count);
        _confirming = confirm;
        return confirm;
    }

    private async Task ConfirmAfterAsync(Task previous, int raised)
    {
        // The previous confirmation's failure is ours too: the activation is going away with unsaved events.
        await previous.ConfigureAwait(true);
        var count = Math.Min(raised, _unconfirmed.Count);
        if (count == 0)
        {
            await SaveTimersAsync().ConfigureAwait(true);
            return;
        }

        var events = new (DateTimeOffset, Payload)[count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = (_unconfirmed[i].RecordedAt, PayloadCodec<TEvent>.Encode(_unconfirmed[i].Event));
        }

        var newVersion = Version + count;
        StoredSnapshot? snapshot = null;

        // A snapshot must be the state after exactly these events: skip it while later events are pending.
        if (SnapshotInterval > 0 && newVersion / SnapshotInterval > Version / SnapshotInterval && _unconfirmed.Count == count)
        {
            snapshot = new StoredSnapshot(newVersion, PayloadCodec<TState>.Encode(_state));
        }

        await CommitAsync(WriteKind.AppendEvents, Version, "journal", events: events, snapshot: snapshot).ConfigureAwait(true);
        Version = newVersion;
        _unconfirmed.RemoveRange(0, count);
    }

    /// <summary>Reads confirmed events after <paramref name="afterVersion"/>, oldest first, for audit trails.</summary>
    protected async Task<IReadOnlyList<JournalEntry<TEvent>>> ReadJournalAsync(long afterVersion = 0, int maxCount = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterVersion);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var stored = await Runtime.Storage.ReadEventsAsync(GrainId, afterVersion, maxCount, cancellationToken).ConfigureAwait(true);
        var entries = new JournalEntry<TEvent>[stored.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new JournalEntry<TEvent>(stored[i].Sequence, stored[i].RecordedAt, DecodeEvent(stored[i]));
        }

        return entries;
    }

    internal override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var load = await Runtime.Storage.ReadJournalAsync(GrainId, cancellationToken).ConfigureAwait(true);
        var state = load.Snapshot is { } snapshot
            ? PayloadCodec<TState>.Decode(snapshot.Payload, $"snapshot of {GrainId}")
            : new TState();
        var version = load.Snapshot?.Sequence ?? 0;
        foreach (var stored in load.Events)
        {
            if (stored.Sequence != version + 1)
            {
                throw new StateSchemaException($"The journal of {GrainId} jumps from event {version} to {stored.Sequence}; refusing to replay a journal with a gap.");
            }

            state = Apply(state, DecodeEvent(stored));
            version = stored.Sequence;
        }

        _state = state;
        Version = version;
        _unconfirmed.Clear();
    }

    private TEvent DecodeEvent(StoredEvent stored) =>
        PayloadCodec<TEvent>.Decode(stored.Payload, $"journal event {stored.Sequence} of {GrainId}");
}
