using CityBrain.Actors.Diagnostics;
using CityBrain.Actors.Hosting;
using CityBrain.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace CityBrain.Actors.Timers;

/// <summary>
/// Fires reminders and durable deadlines. Pending timers live in one indexed min-heap over due times (loaded
/// from storage at start, updated when grains commit timer changes) behind a single <see cref="ITimer"/> armed
/// for the earliest due time — never one timer per deadline. Due timers are delivered to their grains with
/// bounded concurrency; a one-shot deadline's row is deleted only after its grain handled it, so delivery is at
/// least once, late after downtime but never lost.
/// </summary>
internal sealed class TimerScheduler : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly TimerHeap _heap = new();
    private readonly HashSet<TimerEntry> _index = new(TimerKeyComparer.Instance);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IGrainStorage _storage;
    private readonly ActorsMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimerOptions _options;
    private readonly Func<GrainId, string, TimerTick, Task> _deliver;
    private readonly Func<string, string> _canonicalType;
    private readonly PriorityQueue<RetryItem, long> _retries = new();
    private readonly ITimer _timer;
    private long _armedForTicks = long.MaxValue;
    private int _inFlight;
    private bool _running;
    private bool _disposed;

    public TimerScheduler(
        TimeProvider time,
        IGrainStorage storage,
        ActorsMetrics metrics,
        ILogger logger,
        TimerOptions options,
        Func<string, string> canonicalType,
        Func<GrainId, string, TimerTick, Task> deliver)
    {
        _time = time;
        _storage = storage;
        _metrics = metrics;
        _logger = logger;
        _options = options;
        _canonicalType = canonicalType;
        _deliver = deliver;
        _timer = time.CreateTimer(static state => ((TimerScheduler)state!).Pump(timerFired: true), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        metrics.ObservePendingTimers(() => Count);
    }

    /// <summary>Raised after a fired deadline was handled and its row deleted (a signal for tests and diagnostics).</summary>
    public event Action<GrainId, string>? DeadlineRetired;

    /// <summary>Timers waiting in memory (not counting those being delivered).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _heap.Count;
            }
        }
    }

    /// <summary>Loads the stored timers of the grains <paramref name="owned"/> selects, keeping timers already in
    /// memory as they are. Timers that fell due while no silo fired them fire as soon as the scheduler runs.</summary>
    public async Task<int> LoadAsync(Func<GrainId, bool> owned, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return 0;
            }
        }

        var loaded = 0;
        var now = _time.GetUtcNow().UtcTicks;
        await foreach (var stored in _storage.ReadTimersAsync(cancellationToken).ConfigureAwait(false))
        {
            var grain = new GrainId(_canonicalType(stored.Grain.Type), stored.Grain.Key);
            if (!owned(grain))
            {
                continue;
            }

            var period = stored.Period?.Ticks ?? 0;
            var due = stored.DueAt.UtcTicks;
            if (period > 0 && due < now)
            {
                // Reminders keep their cadence: the next tick after now (ticks missed while down are not replayed).
                due += ((now - due) / period + 1) * period;
            }

            lock (_lock)
            {
                if (!_index.Contains(new TimerEntry(grain, stored.Name, 0, 0)))
                {
                    Set(grain, stored.Name, due, period);
                    loaded++;
                }
            }
        }

        lock (_lock)
        {
            ArmLocked();
        }

        Pump();
        return loaded;
    }

    /// <summary>Starts firing the loaded timers.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _running = true;
        }

        Pump();
    }

    /// <summary>Applies timer changes that a grain has just committed to storage.</summary>
    public void OnCommitted(GrainId grain, IReadOnlyList<TimerChange> changes)
    {
        lock (_lock)
        {
            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                if (!change.IsDelete)
                {
                    Set(grain, change.Name, change.DueAt!.Value.UtcTicks, change.Period?.Ticks ?? 0);
                }
                else if (change.OnlyIfDueAt is null && _index.TryGetValue(new TimerEntry(grain, change.Name, 0, 0), out var existing))
                {
                    _index.Remove(existing);
                    _heap.Remove(existing);
                }
            }

            ArmLocked();
        }
    }

    /// <summary>Removes the timers of grains this silo no longer owns (cluster rebalancing).</summary>
    public int Forget(Func<GrainId, bool> predicate)
    {
        lock (_lock)
        {
            var gone = _index.Where(e => predicate(e.Grain)).ToList();
            foreach (var entry in gone)
            {
                _index.Remove(entry);
                _heap.Remove(entry);
            }

            ArmLocked();
            return gone.Count;
        }
    }

    private void Set(GrainId grain, string name, long dueTicks, long periodTicks)
    {
        name = Intern(name);
        var probe = new TimerEntry(grain, name, dueTicks, periodTicks);
        if (_index.TryGetValue(probe, out var existing))
        {
            existing.DueTicks = dueTicks;
            existing.PeriodTicks = periodTicks;
            _heap.Update(existing);
        }
        else
        {
            _index.Add(probe);
            _heap.Add(probe);
        }
    }

    /// <summary>Deadline names repeat across grains (e.g. "sla:accept"); keep one copy of each.</summary>
    private string Intern(string name)
    {
        if (_names.TryGetValue(name, out var interned))
        {
            return interned;
        }

        if (_names.Count < 10_000)
        {
            _names.Add(name, name);
        }

        return name;
    }

    /// <summary>Takes due timers (as many as the delivery limit allows) and delivers them; re-arms the timer if
    /// it fired, or if an earlier time is now due. Not re-arming needlessly also keeps the due time exact: a
    /// timer is armed with a relative delay, computed from a clock that may move before the timer takes it.</summary>
    private void Pump(bool timerFired = false)
    {
        List<(GrainId Grain, string Name, TimerTick Tick)>? due = null;
        List<RetryItem>? retries = null;
        lock (_lock)
        {
            if (!_running || _disposed)
            {
                return;
            }

            if (timerFired)
            {
                _armedForTicks = long.MaxValue;
            }

            var now = _time.GetUtcNow();
            while (_inFlight < _options.MaxConcurrentDeliveries && _heap.Peek() is { } next && next.DueTicks <= now.UtcTicks)
            {
                var tick = new TimerTick(new DateTimeOffset(next.DueTicks, TimeSpan.Zero), now, next.PeriodTicks > 0 ? TimeSpan.FromTicks(next.PeriodTicks) : null);
                if (next.PeriodTicks > 0)
                {
                    next.DueTicks += ((now.UtcTicks - next.DueTicks) / next.PeriodTicks + 1) * next.PeriodTicks;
                    _heap.Update(next);
                }
                else
                {
                    _heap.Pop();
                    _index.Remove(next);
                }

                (due ??= []).Add((next.Grain, next.Name, tick));
                _inFlight++;
            }

            while (_inFlight < _options.MaxConcurrentDeliveries && _retries.TryPeek(out var retry, out var retryAt) && retryAt <= now.UtcTicks)
            {
                _retries.Dequeue();
                if (_index.Contains(new TimerEntry(retry.Grain, retry.Name, 0, 0)))
                {
                    continue; // re-armed by the grain since: the old tick is moot
                }

                (retries ??= []).Add(retry);
                _inFlight++;
            }

            ArmLocked();
        }

        if (due is not null)
        {
            foreach (var (grain, name, tick) in due)
            {
                _ = DeliverAsync(grain, name, tick, attempt: 1);
            }
        }

        if (retries is not null)
        {
            foreach (var retry in retries)
            {
                _ = DeliverAsync(retry.Grain, retry.Name, retry.Tick, retry.Attempt);
            }
        }
    }

    private async Task DeliverAsync(GrainId grain, string name, TimerTick tick, int attempt)
    {
        var delivered = false;
        try
        {
            _metrics.TimerFired(_time.GetUtcNow() - tick.DueAt);
            await _deliver(grain, name, tick).ConfigureAwait(false);
            delivered = true;
        }
        catch (Exception exception)
        {
            Retry(grain, name, tick, attempt, exception);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight--;
            }

            Pump();
        }

        if (delivered && tick.IsDeadline)
        {
            await RetireAsync(grain, name, tick).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a handled deadline's row, unless the grain re-armed it meanwhile. If this fails the row
    /// stays and the deadline fires again after the next start: at least once, never lost.</summary>
    private async Task RetireAsync(GrainId grain, string name, TimerTick tick)
    {
        try
        {
            await _storage.CommitAsync(
                new WriteGroup
                {
                    Grain = grain,
                    Kind = WriteKind.TimersOnly,
                    Timers = [new TimerChange(name, null, null, tick.DueAt)],
                    At = _time.GetUtcNow(),
                },
                CancellationToken.None).ConfigureAwait(false);
            DeadlineRetired?.Invoke(grain, name);
        }
        catch (Exception exception)
        {
            ActorsLog.DeadlineNotRetired(_logger, exception, grain, name);
        }
    }

    /// <summary>A delivery failed: try the same tick again later, unless the grain has re-armed or cancelled it meanwhile.</summary>
    private void Retry(GrainId grain, string name, TimerTick tick, int attempt, Exception exception)
    {
        var delay = TimeSpan.FromTicks(Math.Min(_options.RetryDelay.Ticks << Math.Min(attempt - 1, 16), _options.MaxRetryDelay.Ticks));
        ActorsLog.TimerDeliveryFailed(_logger, exception, grain, name, attempt, delay);
        if (!tick.IsDeadline)
        {
            return; // a periodic reminder simply ticks again
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                _retries.Enqueue(new RetryItem(grain, name, tick, attempt + 1), (_time.GetUtcNow() + delay).UtcTicks);
                ArmLocked();
            }
        }
    }

    private void ArmLocked()
    {
        if (!_running || _disposed)
        {
            return;
        }

        var nextTicks = _heap.Peek()?.DueTicks ?? long.MaxValue;
        if (_retries.TryPeek(out _, out var retryAt) && retryAt < nextTicks)
        {
            nextTicks = retryAt;
        }

        if (nextTicks == long.MaxValue || nextTicks >= _armedForTicks)
        {
            return;
        }

        _armedForTicks = nextTicks;
        var dueIn = TimeSpan.FromTicks(Math.Max(0, nextTicks - _time.GetUtcNow().UtcTicks));
        _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        return _timer.DisposeAsync();
    }

    private sealed record RetryItem(GrainId Grain, string Name, TimerTick Tick, int Attempt);
}
