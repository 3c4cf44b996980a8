using CityBrain.Actors.Activation;
using CityBrain.Actors.Hosting;
using CityBrain.Actors.Storage;

namespace CityBrain.Actors;

/// <summary>
/// Base class of grain implementations. The runtime creates the instance on the first call (constructor
/// arguments come from dependency injection), loads its state, calls <see cref="OnActivateAsync"/>, and then
/// delivers requests one turn at a time. Grain code must not leave its turn (no <c>Task.Run</c>, no
/// <c>ConfigureAwait(false)</c>).
/// </summary>
public abstract class Grain
{
    private ActivationData? _activation;
    private List<TimerChange>? _stagedTimers;
    private List<FeedWrite>? _stagedFeed;

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => Activation.Id;

    /// <summary>This grain's key.</summary>
    public string GrainKey => Activation.Id.Key;

    /// <summary>References to other grains.</summary>
    protected IGrainFactory GrainFactory => Activation.Runtime.GrainFactory;

    /// <summary>The runtime's clock.</summary>
    protected TimeProvider TimeProvider => Activation.Runtime.TimeProvider;

    internal ActivationData Activation =>
        _activation ?? throw new InvalidOperationException($"{GetType().Name} was not created by the actor runtime; grains are reached through IGrainFactory.GetGrain.");

    internal GrainRuntime Runtime => Activation.Runtime;

    internal void Attach(ActivationData activation) => _activation = activation;

    /// <summary>Called after the state is loaded, before the first request.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the activation is removed (idle, requested, conflict or shutdown).</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current request ends; later calls activate it afresh.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivation(DeactivationReason.Requested);

    internal virtual Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Arms (or re-arms) the one-shot deadline <paramref name="name"/>. The change is staged and becomes durable,
    /// atomically with the state, at the next state write, event confirmation or <see cref="SaveTimersAsync"/>.
    /// A deadline fires once at its due time through <see cref="IRemindable.ReceiveReminderAsync"/>; if the silo
    /// was down then, it fires as soon as the grain's silo is back.
    /// </summary>
    protected void SetDeadline(string name, DateTimeOffset dueAt)
    {
        TimerName.Validate(name);
        Stage(new TimerChange(name, TimerName.Truncate(dueAt), null));
    }

    /// <summary>Disarms a deadline or reminder (staged like <see cref="SetDeadline"/>). Unknown names are ignored.</summary>
    protected void CancelDeadline(string name)
    {
        TimerName.Validate(name);
        Stage(new TimerChange(name, null, null));
    }

    /// <summary>Registers or changes a periodic reminder and waits until it is durable.</summary>
    protected Task RegisterOrUpdateReminderAsync(string name, TimeSpan dueTime, TimeSpan period)
    {
        TimerName.Validate(name);
        if (period < TimeSpan.FromMilliseconds(1) || dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), $"Reminder '{name}' needs a positive period and a non-negative due time.");
        }

        Stage(new TimerChange(name, TimerName.Truncate(TimeProvider.GetUtcNow() + dueTime), period));
        return SaveTimersAsync();
    }

    /// <summary>Removes a periodic reminder and waits until that is durable.</summary>
    protected Task UnregisterReminderAsync(string name)
    {
        CancelDeadline(name);
        return SaveTimersAsync();
    }

    /// <summary>Makes staged deadline and reminder changes (and feed entries) durable on their own.</summary>
    protected Task SaveTimersAsync() =>
        _stagedTimers is { Count: > 0 } || _stagedFeed is { Count: > 0 } ? CommitAsync(WriteKind.TimersOnly, 0, "timers") : Task.CompletedTask;

    /// <summary>
    /// Stages an entry for the change feed <paramref name="feed"/> (read with <see cref="IFeedReader"/>). Like
    /// deadlines, it becomes durable atomically with the next state write or event confirmation, and is lost
    /// with them if they fail.
    /// </summary>
    protected void Publish<T>(string feed, T value)
    {
        ArgumentException.ThrowIfNullOrEmpty(feed);
        (_stagedFeed ??= new List<FeedWrite>(1)).Add(new FeedWrite(feed, PayloadCodec<T>.Encode(value)));
    }

    private void Stage(TimerChange change)
    {
        // Usually one change per commit: a list of one, and no predicate delegate to find an earlier change.
        var staged = _stagedTimers ??= new List<TimerChange>(1);
        for (var i = staged.Count - 1; i >= 0; i--)
        {
            if (staged[i].Name == change.Name)
            {
                staged.RemoveAt(i);
            }
        }

        staged.Add(change);
    }

    /// <summary>Commits a write with the staged timers. On a conflict or failure the activation is deactivated
    /// (its in-memory state may be ahead of storage) and the error reaches the grain.</summary>
    private protected async Task CommitAsync(
        WriteKind kind,
        long expectedVersion,
        string what,
        Payload state = default,
        IReadOnlyList<(DateTimeOffset, Payload)>? events = null,
        StoredSnapshot? snapshot = null)
    {
        var timers = _stagedTimers is { Count: > 0 } staged ? staged.ToArray() : [];
        _stagedTimers?.Clear();
        var feed = _stagedFeed is { Count: > 0 } published ? published.ToArray() : [];
        _stagedFeed?.Clear();
        var group = new WriteGroup
        {
            Grain = GrainId,
            Kind = kind,
            ExpectedVersion = expectedVersion,
            State = state,
            Events = events ?? [],
            Snapshot = snapshot,
            Timers = timers,
            Feed = feed,
            At = TimeProvider.GetUtcNow(),
        };

        bool committed;
        try
        {
            // Back on the grain's turn afterwards: the code below touches grain fields.
            committed = await Runtime.Storage.CommitAsync(group, CancellationToken.None).ConfigureAwait(true);
        }
        catch
        {
            Activation.RequestDeactivation(DeactivationReason.StorageConflict);
            throw;
        }

        if (!committed)
        {
            Activation.RequestDeactivation(DeactivationReason.StorageConflict);
            throw new StorageConflictException(GrainId, what, expectedVersion);
        }

        if (timers.Length > 0)
        {
            Runtime.Timers.OnCommitted(GrainId, timers);
        }
    }
}
