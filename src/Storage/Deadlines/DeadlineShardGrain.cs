using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using CityBrain.Storage.Placement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CityBrain.Storage.Deadlines;

/// <summary>
/// A deadline shard: owns the deadlines of the grains that hash to it. On activation it loads its checkpoint and reads
/// the change feed's deadline changes after it (so a deadline costs no row of its own: it rides on its grain's feed
/// row, written in the journal append's transaction); then it keeps following the feed, fires each deadline at its due
/// time by calling the grain (<see cref="IDeadlineReceiver"/>), retires it once the grain answered, and writes a new
/// checkpoint every <see cref="StorageOptions.DeadlineCheckpointInterval"/>. After a crash it resumes from the last
/// checkpoint: deadlines fire at least once, and those that fell due while no shard ran fire at once.
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
[ShardPlacement]
[GrainType("citybrain-deadline-shard")]
internal sealed class DeadlineShardGrain(
    JournalStore store,
    TimeProvider time,
    IOptions<StorageOptions> options,
    BackgroundClock polling,
    ShardHoming homing,
    ILogger<DeadlineShardGrain> logger,
    IHostApplicationLifetime host) : Grain, IDeadlineShardGrain
{
    private const int ReadBatch = 2000;
    private const int MaxFiring = 512;
    // Short, so that a deadline that fell due while the database was down is recorded soon after it is back; while it is
    // down, retries fail fast on the store's circuit without reaching the database.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    // While this silo knows the database is down, due deadlines are held (Hold): the database's return fires them
    // (RetryWhenReachable), and this is only how often the hold is checked again in case that signal is missed.
    private static readonly TimeSpan OutageRetryDelay = TimeSpan.FromSeconds(5);
    // At most one warning per this much time about firings the database's absence held up (an outage fails every due
    // deadline at each retry: a warning with a stack trace for each flooded the log, and its writer held up the silo).
    private static readonly TimeSpan HeldUpLogInterval = TimeSpan.FromSeconds(10);
    private readonly DeadlineSet _deadlines = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(long Position, bool Settled, TaskCompletionSource<int> Done)> _waiting = [];
    private IGrainTimer? _timer;
    private DateTimeOffset? _timerDue;
    private long _position;
    private long _checkpointed;
    private DateTimeOffset _lastCheckpoint;
    private int _firing;
    private bool _watchingOutage;
    private DateTimeOffset? _heldUntil;
    private int _heldUp;
    private DateTimeOffset? _heldUpLoggedAt;
    private Task _following = Task.CompletedTask;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadCheckpointAsync(Shard, cancellationToken) is { } checkpoint)
        {
            DeadlineCheckpoint.Decode(checkpoint.Payload, _deadlines);
            _position = _checkpointed = checkpoint.Position;
            _deadlines.MarkSaved(_deadlines.Changes);
        }

        _lastCheckpoint = time.GetUtcNow();
        _timer = this.RegisterGrainTimer(FireDueAsync, new GrainTimerCreationOptions
        {
            DueTime = Timeout.InfiniteTimeSpan,
            Period = Timeout.InfiniteTimeSpan,
            Interleave = true,
            KeepAlive = true,
        });
        StorageLog.ShardActivated(logger, Shard, _deadlines.Count, _position);
        _following = FollowAsync(_stopping.Token);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _following;
        try
        {
            await CheckpointAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is StorageUnavailableException or OperationCanceledException)
        {
            // The next activation replays the feed from the previous checkpoint instead.
            StorageLog.CheckpointFailed(logger, exception, Shard);
        }
    }

    public Task Ping()
    {
        homing.MoveIfAway(this);
        return Task.CompletedTask;
    }

    public Task<int> ReadUpTo(long position) => WaitFor(position, settled: false);

    public Task<int> SettleUpTo(long position) => WaitFor(position, settled: true);

    private Task<int> WaitFor(long position, bool settled)
    {
        if (Reached(position, settled))
        {
            return Task.FromResult(_deadlines.Count);
        }

        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((position, settled, done));
        return done.Task;
    }

    private bool Reached(long position, bool settled) => _position >= position && (!settled || _firing == 0);

    /// <summary>Reads this shard's deadline changes as they are written, until the activation stops.</summary>
    private async Task FollowAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Take the signal before reading: a write committed after the read wakes the wait below.
                var written = store.WhenWrittenAsync(stopping);
                var last = await store.LastPositionAsync(stopping);
                var changes = await store.ReadDeadlineChangesAsync(Shard, _position, ReadBatch, stopping);
                foreach (var change in changes)
                {
                    _deadlines.Apply(change.Grain, change.Name, change.DueAt);
                    _position = change.Position;
                }

                if (changes.Count < ReadBatch)
                {
                    // Every change up to the end read before this batch is applied.
                    _position = Math.Max(_position, last);
                }

                Schedule();
                Release();
                if (time.GetUtcNow() - _lastCheckpoint >= options.Value.DeadlineCheckpointInterval)
                {
                    await CheckpointAsync(stopping);
                }

                if (changes.Count < ReadBatch)
                {
                    await polling.WaitAsync(written, options.Value.FeedPollInterval, options.Value.FeedReadInterval, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                StorageLog.ShardReadFailed(logger, exception, Shard, RetryDelay);
                try
                {
                    await polling.RetryDelayAsync(RetryDelay, store.WhenReachableAgain, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Completes the waits of callers whose position has been read (and, for those who asked, once no firing is
    /// in flight).</summary>
    private void Release()
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (Reached(_waiting[i].Position, _waiting[i].Settled))
            {
                _waiting[i].Done.TrySetResult(_deadlines.Count);
                _waiting.RemoveAt(i);
            }
        }
    }

    /// <summary>Points the timer at the earliest due deadline (moved only when that changed).</summary>
    private void Schedule()
    {
        var next = _firing >= MaxFiring ? null : _deadlines.NextDue();
        if (next is { } first && _heldUntil is { } held && first < held)
        {
            next = held;
        }

        if (next == _timerDue)
        {
            return;
        }

        _timerDue = next;
        var wait = next is { } due ? due - time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        _timer!.Change(next is null ? Timeout.InfiniteTimeSpan : wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }

    private Task FireDueAsync()
    {
        _timerDue = null;

        // The silo is stopping: its grains are leaving, so deliveries would fail and be retried here until this shard
        // deactivates. Its next activation (on a silo that stays) fires what is due from the checkpoint and the feed.
        if (_stopping.IsCancellationRequested || host.ApplicationStopping.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var now = time.GetUtcNow();
        if (store.WhenReachableAgain is { } reachable)
        {
            Hold(reachable, now);
            return Task.CompletedTask;
        }

        _heldUntil = null;
        while (_firing < MaxFiring && _deadlines.TryTakeDue(now, out var entry))
        {
            _firing++;
            _ = FireAsync(entry, now);
        }

        Schedule();
        return Task.CompletedTask;
    }

    private async Task FireAsync(DeadlineSet.Entry entry, DateTimeOffset now)
    {
        try
        {
            var grain = GrainFactory.GetGrain<IDeadlineReceiver>(GrainId.Create(entry.Grain.Type, entry.Grain.Key));
            await grain.ReceiveDeadline(new DeadlineTick(entry.Name, entry.DueAt, now));
            _deadlines.Retire(entry);
        }
        catch (Exception exception)
        {
            // A silo going away (this one stopping, or the grain's) is routine and the retry finds the grain elsewhere:
            // not worth a warning with a stack trace per deadline. Anything else the grain threw is.
            if (exception is StorageUnavailableException)
            {
                // The grain could not load or append (on this silo or another): routine in an outage, counted, and told
                // in one warning per interval. If the retry finds the database still known down, it is held (Hold).
                HeldUp(exception.Message);
            }
            else if (exception is SiloUnavailableException or OrleansMessageRejectionException)
            {
                // Its first line only: Orleans puts the inner exception's stack trace in the message, and after a kill
                // there is one such line per deadline due, every half second, until the dead silo is declared dead.
                StorageLog.DeadlineDeferred(logger, entry.Grain.ToString(), entry.Name, FirstLine(exception.Message), RetryDelay);
            }
            else
            {
                StorageLog.DeadlineFailed(logger, exception, entry.Grain.ToString(), entry.Name, RetryDelay);
            }

            // Relative to the firing, not to when the failure arrived: a slow failure does not push the retry further out.
            // In a database outage, sooner still: as soon as the database answers again.
            _deadlines.Retry(entry, now + RetryDelay);
            RetryWhenReachable(store.WhenReachableAgain);
        }
        finally
        {
            _firing--;
            Schedule();
            Release();
        }
    }

    /// <summary>
    /// Holds the deadlines due while this silo knows the database is down instead of firing them: each firing would
    /// activate its grain only for the grain to fail loading or appending (three error lines from Orleans and a
    /// deactivation each, for hundreds of deadlines in a few seconds of outage), and the failed activations still being
    /// torn down when the database came back answered the retries with the outage's error for seconds more. The database's
    /// return fires them all at once (<see cref="RetryWhenReachable"/>); the check is repeated every
    /// <see cref="OutageRetryDelay"/> in case that signal is missed.
    /// </summary>
    private void Hold(Task reachable, DateTimeOffset now)
    {
        if (_heldUntil is null)
        {
            StorageLog.DeadlinesHeld(logger, Shard, OutageRetryDelay);
        }

        _heldUntil = now + OutageRetryDelay;
        RetryWhenReachable(reachable);
        Schedule();
    }

    private static string FirstLine(string text) => text.IndexOf('\n', StringComparison.Ordinal) is var end and >= 0 ? text[..end].TrimEnd() : text;

    /// <summary>Counts a firing the database's absence failed, and says so at most once per <see cref="HeldUpLogInterval"/>.</summary>
    private void HeldUp(string reason)
    {
        var now = time.GetUtcNow();
        _heldUp++;
        if (_heldUpLoggedAt is { } logged && now - logged < HeldUpLogInterval)
        {
            return;
        }

        StorageLog.DeadlinesHeldUp(logger, Shard, _heldUp, reason, RetryDelay, HeldUpLogInterval);
        _heldUp = 0;
        _heldUpLoggedAt = now;
    }

    /// <summary>While the database is unreachable, arranges (once) that the deadlines waiting to be fired again are fired
    /// as soon as it answers: the breaches that fell due in an outage are recorded right after it, not a retry later.</summary>
    private void RetryWhenReachable(Task? reachable)
    {
        if (_watchingOutage || reachable is null)
        {
            return;
        }

        _watchingOutage = true;
        _ = RetryAfterOutageAsync(reachable);
    }

    private async Task RetryAfterOutageAsync(Task reachable)
    {
        await reachable; // continues on this activation's scheduler
        _watchingOutage = false;
        _heldUntil = null;
        if (!_stopping.IsCancellationRequested)
        {
            _deadlines.RetryAllBy(time.GetUtcNow());
            Schedule();
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        // Nothing armed, cancelled or retired, and no new position to record: the stored checkpoint is still this set.
        if (_deadlines.Changes == 0 && _position == _checkpointed)
        {
            _lastCheckpoint = time.GetUtcNow();
            return;
        }

        var position = _position;
        var changes = _deadlines.Changes;
        await store.WriteCheckpointAsync(Shard, position, DeadlineCheckpoint.Encode(_deadlines.All), cancellationToken);
        _deadlines.MarkSaved(changes);
        _checkpointed = position;
        _lastCheckpoint = time.GetUtcNow();
    }
}
