using CityBrain.Storage.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Storage.Journal;

/// <summary>The journal of one grain activation (see <see cref="IJournal{TState,TEvent}"/>): loaded at the grain's
/// SetupState stage, appended through the store's group commit.</summary>
internal sealed class JournalFacet<TState, TEvent> : IJournal<TState, TEvent>, ILifecycleObserver
    where TState : class, new()
    where TEvent : class
{
    private readonly IGrainContext _context;
    private readonly JournalStore _store;
    private readonly IJournalFold<TState, TEvent> _fold;
    private readonly TimeProvider _time;
    private readonly int _snapshotInterval;
    private readonly StoredGrain _grain;
    private readonly List<(DateTimeOffset RecordedAt, TEvent Event)> _unconfirmed = [];
    private List<FeedWrite>? _feed;
    private List<DeadlineChange>? _deadlines;
    private List<OutboxWrite>? _outbox;
    private TState _state = new();
    private Task _confirming = Task.CompletedTask;

    public JournalFacet(IGrainContext context, int snapshotInterval)
    {
        _context = context;
        _snapshotInterval = snapshotInterval;
        var services = context.ActivationServices;
        _store = services.GetRequiredService<JournalStore>();
        _fold = services.GetService<IJournalFold<TState, TEvent>>()
            ?? throw new InvalidOperationException($"No IJournalFold<{typeof(TState).Name}, {typeof(TEvent).Name}> is registered for the journal of {context.GrainId.Type}.");
        _time = services.GetRequiredService<TimeProvider>();
        _grain = StoredGrainOf(context.GrainId);
        context.ObservableLifecycle.Subscribe($"journal {_grain.Type}", GrainLifecycleStage.SetupState, this);
    }

    public TState State => _state;

    public long Version { get; private set; }

    public int UnconfirmedCount => _unconfirmed.Count;

    internal static StoredGrain StoredGrainOf(GrainId grain) => new(grain.Type.ToString()!, grain.Key.ToString()!);

    public void Raise(TEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        _state = _fold.Apply(_state, @event);
        _unconfirmed.Add((_time.GetUtcNow(), @event));
    }

    public void Publish<TEntry>(string feed, TEntry entry, string? tag = null)
        where TEntry : class
    {
        ArgumentException.ThrowIfNullOrEmpty(feed);
        (_feed ??= new List<FeedWrite>(1)).Add(new FeedWrite(feed, tag, PayloadCodec<TEntry>.Encode(entry)));
    }

    public void Send(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.Subscriber);
        ArgumentException.ThrowIfNullOrEmpty(message.OrderingKey);
        ArgumentNullException.ThrowIfNull(message.Payload);
        var id = message.Id ?? Guid.CreateVersion7(_time.GetUtcNow()).ToString();
        (_outbox ??= new List<OutboxWrite>(1)).Add(new OutboxWrite(id, message.Subscriber, message.OrderingKey, message.Payload));
    }

    public void SetDeadline(string name, DateTimeOffset dueAt) => Stage(new DeadlineChange(DeadlineNames.Validate(name), dueAt));

    public void CancelDeadline(string name) => Stage(new DeadlineChange(DeadlineNames.Validate(name), null));

    private void Stage(DeadlineChange change)
    {
        // Usually one change per confirmation: a list of one, and the last change of a name wins.
        var staged = _deadlines ??= new List<DeadlineChange>(1);
        staged.RemoveAll(c => c.Name == change.Name);
        staged.Add(change);
    }

    public Task ConfirmAsync()
    {
        var confirm = ConfirmAfterAsync(_confirming, _unconfirmed.Count);
        _confirming = confirm;
        return confirm;
    }

    private async Task ConfirmAfterAsync(Task previous, int raised)
    {
        // The previous confirmation's failure is ours too: the activation is going away with unsaved events.
        await previous;
        var count = Math.Min(raised, _unconfirmed.Count);
        var feed = _feed is { Count: > 0 } published ? published.ToArray() : [];
        _feed?.Clear();
        var deadlines = _deadlines is { Count: > 0 } staged ? staged.ToArray() : [];
        _deadlines?.Clear();
        var outbox = _outbox is { Count: > 0 } sent ? sent.ToArray() : [];
        _outbox?.Clear();
        if (count == 0 && feed.Length == 0 && deadlines.Length == 0 && outbox.Length == 0)
        {
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
        if (_snapshotInterval > 0 && count > 0 && newVersion / _snapshotInterval > Version / _snapshotInterval && _unconfirmed.Count == count)
        {
            snapshot = new StoredSnapshot(newVersion, PayloadCodec<TState>.Encode(_state));
        }

        var request = new AppendRequest
        {
            Grain = _grain,
            ExpectedVersion = Version,
            Events = events,
            Snapshot = snapshot,
            Feed = feed,
            Deadlines = deadlines,
            Outbox = outbox,
            At = _time.GetUtcNow(),
        };

        bool committed;
        try
        {
            committed = await _store.CommitAsync(request);
        }
        catch
        {
            Deactivate("its journal append failed");
            throw;
        }

        if (!committed)
        {
            Deactivate("another activation appended to its journal first");
            throw new JournalConflictException(
                $"The journal of {_grain} was appended to by another activation at position {Version + 1}; nothing was written and the grain reloads on its next call.");
        }

        Version = newVersion;
        _unconfirmed.RemoveRange(0, count);
    }

    public async Task ThrowIfBehindAsync()
    {
        if ((await _store.ReadEventsAsync(_grain, Version, 1, CancellationToken.None)).Count > 0)
        {
            Deactivate("another activation appended to its journal");
            throw new JournalConflictException(
                $"The journal of {_grain} was appended to by another activation after position {Version}; nothing was written and the grain reloads on its next call.");
        }
    }

    /// <summary>The in-memory state may be ahead of storage: the next call must start from what storage holds.</summary>
    private void Deactivate(string why) =>
        _context.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, $"{_grain}: {why}"));

    public async Task<IReadOnlyList<JournalEntry<TEvent>>> ReadAsync(long afterSequence = 0, int maxCount = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var stored = await _store.ReadEventsAsync(_grain, afterSequence, maxCount, cancellationToken);
        var entries = new JournalEntry<TEvent>[stored.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new JournalEntry<TEvent>(stored[i].Sequence, stored[i].RecordedAt, DecodeEvent(stored[i]));
        }

        return entries;
    }

    public async Task OnStart(CancellationToken cancellationToken = default)
    {
        var load = await _store.LoadAsync(_grain, cancellationToken);
        var state = new TState();
        var version = 0L;
        var events = load.Events;
        if (load.Snapshot is { } snapshot)
        {
            var stored = PayloadCodec<TState>.Decode(snapshot.Payload, $"snapshot of {_grain}");
            if (_fold.IsCurrent(stored))
            {
                state = stored;
                version = snapshot.Sequence;
            }
            else
            {
                events = await ReadEventsFromStartAsync(cancellationToken);
            }
        }

        foreach (var stored in events)
        {
            if (stored.Sequence != version + 1)
            {
                throw new SchemaException($"The journal of {_grain} jumps from event {version} to {stored.Sequence}; refusing to replay a journal with a gap.");
            }

            state = _fold.Apply(state, DecodeEvent(stored));
            version = stored.Sequence;
        }

        _state = state;
        Version = version;
        _unconfirmed.Clear();
    }

    public Task OnStop(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Every stored event, for a replay that cannot start from the snapshot.</summary>
    private async Task<List<StoredEvent>> ReadEventsFromStartAsync(CancellationToken cancellationToken)
    {
        const int Page = 1000;
        var events = new List<StoredEvent>();
        while (true)
        {
            var page = await _store.ReadEventsAsync(_grain, events.Count > 0 ? events[^1].Sequence : 0, Page, cancellationToken);
            events.AddRange(page);
            if (page.Count < Page)
            {
                return events;
            }
        }
    }

    private TEvent DecodeEvent(StoredEvent stored) => PayloadCodec<TEvent>.Decode(stored.Payload, $"journal event {stored.Sequence} of {_grain}");
}
