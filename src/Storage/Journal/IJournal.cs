namespace CityBrain.Storage;

/// <summary>
/// The journal of an event-sourced grain, injected into its constructor with <see cref="JournalAttribute"/>: the state
/// is the fold of an append-only log of events (<see cref="IJournalFold{TState,TEvent}"/>, registered in the container).
/// <see cref="Raise"/> applies an event at once; <see cref="ConfirmAsync"/> appends the raised events durably, numbered
/// <c>Version + 1, Version + 2, ...</c>, in one transaction with the feed entries, deadline changes and outbox messages staged since the
/// last confirmation. (grain, sequence) is unique in storage, so two activations can never both append position N.
/// On activation the latest snapshot is loaded and the events after it replayed (every event, when the fold refuses the
/// snapshot: <see cref="IJournalFold{TState,TEvent}.IsCurrent"/>).
/// </summary>
/// <typeparam name="TState">The state: a protobuf message or a record.</typeparam>
/// <typeparam name="TEvent">The event: a protobuf message (e.g. with a <c>oneof</c>) or a record.</typeparam>
public interface IJournal<TState, TEvent>
    where TState : class, new()
    where TEvent : class
{
    /// <summary>The state after every confirmed and raised event.</summary>
    TState State { get; }

    /// <summary>The number of confirmed events (the sequence of the last one); 0 for a journal never written.</summary>
    long Version { get; }

    /// <summary>Events raised and not yet confirmed.</summary>
    int UnconfirmedCount { get; }

    /// <summary>Applies the event to <see cref="State"/> now and queues it for <see cref="ConfirmAsync"/>.</summary>
    void Raise(TEvent @event);

    /// <summary>Stages an entry for the change feed <paramref name="feed"/>, under <paramref name="tag"/> too when given
    /// (a second index, e.g. the incidents of a day); durable with the next confirmation, lost with it if that fails.</summary>
    void Publish<TEntry>(string feed, TEntry entry, string? tag = null)
        where TEntry : class;

    /// <summary>Arms (or re-arms) the one-shot deadline <paramref name="name"/>, durable with the next confirmation. It
    /// fires once at its due time through <see cref="IDeadlineReceiver.ReceiveDeadline"/> (late after downtime, never lost).</summary>
    void SetDeadline(string name, DateTimeOffset dueAt);

    /// <summary>Stages an outbox message, durable with the next confirmation (lost with it if that fails): from then on
    /// it is delivered at least once, after the earlier messages of its subscriber and ordering key.</summary>
    void Send(OutboxMessage message);

    /// <summary>Disarms a deadline (staged like <see cref="SetDeadline"/>); unknown names are ignored.</summary>
    void CancelDeadline(string name);

    /// <summary>
    /// Appends the raised events, with the staged feed entries and deadline changes, in one durable transaction (with no
    /// events raised, writes the staged entries and changes alone). On a conflict (<see cref="JournalConflictException"/>)
    /// or a failure (<see cref="StorageUnavailableException"/>) nothing is written and the grain is deactivated, so the
    /// next call sees only what storage holds. Confirmations run one after another, each with what was raised before it.
    /// </summary>
    Task ConfirmAsync();

    /// <summary>
    /// Throws <see cref="JournalConflictException"/> and deactivates the grain when storage holds events after
    /// <see cref="Version"/>: another activation appended (for a moment after a silo dies, Orleans may run a second
    /// activation of a grain whose directory entry died with it). An append finds that out by itself; a grain that is
    /// about to refuse a call because of its state calls this first, since a refusal writes nothing.
    /// </summary>
    Task ThrowIfBehindAsync();

    /// <summary>Confirmed events after <paramref name="afterSequence"/>, oldest first (the audit trail).</summary>
    Task<IReadOnlyList<JournalEntry<TEvent>>> ReadAsync(long afterSequence = 0, int maxCount = 1000, CancellationToken cancellationToken = default);
}

/// <summary>Applies events to a journaled state; must be deterministic, since it runs again on every replay. Register
/// one per state and event type in the silo's container.</summary>
public interface IJournalFold<TState, TEvent>
{
    /// <summary>The state after <paramref name="event"/> (may change <paramref name="state"/> in place and return it).</summary>
    TState Apply(TState state, TEvent @event);

    /// <summary>
    /// Whether a stored snapshot is what this fold builds from the same events. A snapshot refused here (built by rules
    /// that have changed since) is ignored on activation and the whole journal replayed; the next snapshot stored is
    /// current again. By default every snapshot is.
    /// </summary>
    bool IsCurrent(TState snapshot) => true;
}

/// <summary>One confirmed journal event.</summary>
/// <param name="Sequence">Its position in the journal, from 1.</param>
/// <param name="RecordedAt">When it was raised.</param>
/// <param name="Event">The event.</param>
public sealed record JournalEntry<TEvent>(long Sequence, DateTimeOffset RecordedAt, TEvent Event);
