using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using CityBrain.Storage.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CityBrain.Storage.Outbox;

/// <summary>
/// An outbox shard: delivers the messages whose ordering key hashes to it, like a deadline shard owns its deadlines.
/// Orleans keeps one activation per shard in the cluster, so no two silos deliver a message at once in normal operation
/// (during a membership change two activations may overlap for a moment: a message may then go out twice, which the
/// idempotency key makes harmless). The shard reads the heads of its lanes (subscriber and ordering key): a lane's next
/// message is read only after its head was delivered, so a failing head blocks its lane alone, and lanes held by dead
/// letters or backing off never crowd out the others however many there are. Nor does a slow receiver hold up the
/// others: a round of deliveries waits for its lanes (to mark them in one transaction) only up to
/// <see cref="StorageOptions.FeedReadInterval"/>, the pace at which a shard may read anyway; after that the shard reads
/// on, its lanes still in flight left out until they end (a receiver that takes seconds to answer, up to
/// <see cref="OutboxOptions.AttemptTimeout"/>, delays the other lanes of its shard by that interval, not by its own
/// time), and each subscriber has its own <see cref="OutboxOptions.MaxConcurrentDeliveries"/>. A
/// failed attempt waits <see cref="OutboxOptions.Backoff"/> on the grains' clock; after
/// <see cref="OutboxOptions.MaxAttempts"/> the message is dead and keeps its lane blocked until retried or discarded.
/// Beside delivery, the shard deletes its own delivered and discarded messages past <see cref="OutboxOptions.Retention"/>
/// (so one shard, not every silo, purges a given row), a bounded batch per statement.
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
[ShardPlacement]
[GrainType("citybrain-outbox-shard")]
internal sealed class OutboxShardGrain(
    JournalStore store,
    TimeProvider time,
    IOptions<StorageOptions> storage,
    IOptions<OutboxOptions> options,
    IEnumerable<IOutboxChannel> channels,
    OutboxMetrics metrics,
    BackgroundClock polling,
    ShardHoming homing,
    ILogger<OutboxShardGrain> logger) : Grain, IOutboxShardGrain
{
    private const int ReadBatch = 1000;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly OutboxState[] Settled = [OutboxState.Delivered, OutboxState.Discarded];
    private readonly Dictionary<string, IOutboxChannel> _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    // The delivery loop and its lanes run on this activation's scheduler, one turn at a time: plain collections are safe.
    // A lane is left out of a read's plan while it runs and while a delivery of it awaits its mark: the read still finds
    // its head pending, and must not start it twice.
    private readonly HashSet<(string Subscriber, string Key)> _running = [];
    private readonly List<Task> _lanes = [];
    private readonly List<(OutboxRecord Message, OutboxDelivered Delivery)> _delivered = [];
    private readonly Dictionary<string, SemaphoreSlim> _slots = new(StringComparer.Ordinal);
    private TaskCompletionSource _laneEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _laneFailure;
    private Task _delivering = Task.CompletedTask;
    private Task _purging = Task.CompletedTask;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _delivering = DeliverAsync(_stopping.Token);
        _purging = PurgeAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // An attempt cut short is not marked delivered: the next activation sends it again, with the same id.
        await _stopping.CancelAsync();
        await Task.WhenAll(_delivering, _purging);
    }

    public Task Ping()
    {
        homing.MoveIfAway(this);
        return Task.CompletedTask;
    }

    private async Task DeliverAsync(CancellationToken stopping)
    {
        try
        {
            await DeliverUntilStoppedAsync(stopping);
        }
        finally
        {
            // Even when stopping: what a receiver accepted is not sent again. (An attempt cut short is not marked.)
            await Task.WhenAll(_lanes);
            try
            {
                await MarkDeliveredAsync();
            }
            catch (Exception exception)
            {
                StorageLog.OutboxUnmarkedAtStop(logger, exception, Shard, _delivered.Count);
            }
        }
    }

    private async Task DeliverUntilStoppedAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // A lane whose failure could not be stored (the database away) pauses the shard as a failed read does:
                // its head is still pending and due, and would otherwise be tried again at once.
                if (_laneFailure is { } failure)
                {
                    _laneFailure = null;
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                }

                // Take the signals before reading: a message committed, or a lane ended, after the read wakes the wait.
                var written = store.WhenOutboxWrittenAsync(stopping);
                var ended = _laneEnded.Task;
                await MarkDeliveredAsync();
                var open = await store.ReadOpenOutboxAsync(Shard, ReadBatch, stopping);
                var plan = OutboxLanes.Plan(open, time.GetUtcNow());
                var unmarked = _delivered.Select(d => LaneOf(d.Message)).ToHashSet();
                _lanes.RemoveAll(t => t.IsCompleted);
                var round = plan.Due
                    .Where(lane => !_running.Contains(LaneOf(lane[0])) && !unmarked.Contains(LaneOf(lane[0])))
                    .Select(lane => StartLane(lane, stopping))
                    .ToList();
                if (round.Count > 0)
                {
                    // One round's deliveries are marked together, but a slow lane does not hold up the others.
                    using var slow = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    await Task.WhenAny(Task.WhenAll(round), polling.DelayAsync(storage.Value.FeedReadInterval, slow.Token));
                    await slow.CancelAsync();
                    continue;
                }

                await WaitAsync(Task.WhenAny(written, ended), plan.NextDue, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                StorageLog.OutboxShardFailed(logger, exception, Shard, RetryDelay);
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

    private static (string Subscriber, string Key) LaneOf(OutboxRecord message) => (message.Subscriber, message.OrderingKey);

    /// <summary>Deletes the shard's messages settled longer than <see cref="OutboxOptions.Retention"/> ago at once, then
    /// every <see cref="OutboxOptions.PurgeInterval"/> on the grains' clock, counted from each pass's start (a clock that
    /// jumped past the next pass runs it at once). Nothing reads a settled row to deliver or order the others, so a purge
    /// cannot reorder or hold back a lane; it never touches pending or dead messages.</summary>
    private async Task PurgeAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                await PurgeSettledAsync(started, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                StorageLog.OutboxPurgeFailed(logger, exception, Shard, options.Value.PurgeInterval);
            }

            try
            {
                await Task.Delay(Max(started + options.Value.PurgeInterval - time.GetUtcNow(), TimeSpan.Zero), time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PurgeSettledAsync(DateTimeOffset now, CancellationToken stopping)
    {
        var settings = options.Value;

        // A retention reaching back before year 1 keeps everything.
        if (now - DateTimeOffset.MinValue <= settings.Retention)
        {
            return;
        }

        var before = now - settings.Retention;
        var total = 0L;
        foreach (var state in Settled)
        {
            // One short statement per batch, each its own transaction: no long lock, no giant transaction.
            var purged = 0L;
            int deleted;
            do
            {
                deleted = await store.PurgeOutboxAsync(Shard, state, before, settings.PurgeBatchSize, stopping);
                purged += deleted;
            }
            while (deleted == settings.PurgeBatchSize);

            metrics.Purged(Shard, state, purged);
            total += purged;
        }

        if (total > 0)
        {
            StorageLog.OutboxPurged(logger, Shard, total, before);
        }
    }

    /// <summary>Until an outbox commit in this process or the next attempt's time on the grains' clock, else a poll for
    /// messages written on other silos (<see cref="StorageOptions.FeedPollInterval"/>); and in any case at least
    /// <see cref="StorageOptions.FeedReadInterval"/> after the wait began, so that a burst of commits costs each shard a
    /// bounded number of reads.</summary>
    private async Task WaitAsync(Task written, DateTimeOffset? nextDue, CancellationToken stopping)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var due = nextDue is { } at ? Task.Delay(Max(at - time.GetUtcNow(), TimeSpan.Zero), time, waiting.Token) : Task.Delay(Timeout.Infinite, waiting.Token);
        await polling.WaitAsync(Task.WhenAny(written, due), storage.Value.FeedPollInterval, storage.Value.FeedReadInterval, stopping);
        await waiting.CancelAsync();
    }

    /// <summary>Runs a lane in the background within its subscriber's <see cref="OutboxOptions.MaxConcurrentDeliveries"/>;
    /// the task ends when the lane does, and never fails.</summary>
    private Task StartLane(IReadOnlyList<OutboxRecord> lane, CancellationToken stopping)
    {
        var key = LaneOf(lane[0]);
        _running.Add(key);
        var task = RunLaneAsync(lane, key, stopping);
        _lanes.Add(task);
        return task;
    }

    private async Task RunLaneAsync(IReadOnlyList<OutboxRecord> lane, (string Subscriber, string Key) key, CancellationToken stopping)
    {
        try
        {
            if (!_slots.TryGetValue(key.Subscriber, out var slots))
            {
                slots = new SemaphoreSlim(options.Value.MaxConcurrentDeliveries);
                _slots.Add(key.Subscriber, slots);
            }

            await slots.WaitAsync(stopping);
            try
            {
                await DeliverLaneAsync(lane, _delivered, stopping);
            }
            finally
            {
                slots.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // Its failure could not be stored: the head stays pending; the loop logs it and waits before reading again.
            _laneFailure ??= exception;
        }
        finally
        {
            _running.Remove(key);
            _laneEnded.TrySetResult();
            _laneEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Delivers a lane's messages in order while they succeed and are due; adds each success to
    /// <paramref name="delivered"/>.</summary>
    private async Task DeliverLaneAsync(IReadOnlyList<OutboxRecord> lane, List<(OutboxRecord Message, OutboxDelivered Delivery)> delivered, CancellationToken stopping)
    {
        foreach (var message in lane)
        {
            var attemptAt = time.GetUtcNow();
            if (message.State != OutboxState.Pending || message.NextAttemptAt > attemptAt)
            {
                return;
            }

            var attempt = message.Attempts + 1;
            try
            {
                await AttemptAsync(message, attempt, stopping);
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                var settings = options.Value;
                var dead = attempt >= settings.MaxAttempts;

                // From the attempt's start, not its end: a slow failure does not push the retry further out.
                var next = attemptAt + settings.Backoff(attempt);
                await store.MarkOutboxFailedAsync(message.Id, attempt, dead, next, Describe(exception), CancellationToken.None);
                metrics.Failed(message.Subscriber, dead);
                if (dead)
                {
                    StorageLog.OutboxDead(logger, exception, message.Id, message.Subscriber, attempt, message.OrderingKey);
                }
                else
                {
                    StorageLog.OutboxAttemptFailed(logger, exception, message.Id, message.Subscriber, attempt, next);
                }

                return;
            }

            delivered.Add((message, new OutboxDelivered(message.Id, attempt, time.GetUtcNow())));
        }
    }

    /// <summary>Marks the deliveries since the last mark in one transaction rather than one per message (each a commit
    /// the database flushes). Order holds: a lane's next message is started only after its head
    /// is marked. A silo that dies before this sends those messages again, with the same ids; a mark that fails keeps
    /// them for the next.</summary>
    private async Task MarkDeliveredAsync()
    {
        if (_delivered.Count == 0)
        {
            return;
        }

        var batch = _delivered.ToList();
        await store.MarkOutboxDeliveredAsync(batch.ConvertAll(d => d.Delivery), CancellationToken.None);
        _delivered.RemoveRange(0, batch.Count);
        foreach (var (message, delivery) in batch)
        {
            metrics.Delivered(message.Subscriber, delivery.At - message.CreatedAt);
        }
    }

    private async Task AttemptAsync(OutboxRecord message, int attempt, CancellationToken stopping)
    {
        if (!options.Value.Subscribers.TryGetValue(message.Subscriber, out var subscriber))
        {
            throw new InvalidOperationException($"No subscriber '{message.Subscriber}' is configured under {OutboxOptions.Section}:Subscribers.");
        }

        if (!_channels.TryGetValue(subscriber.Channel, out var channel))
        {
            throw new InvalidOperationException($"Subscriber '{message.Subscriber}' names channel '{subscriber.Channel}', which is not registered.");
        }

        using var timeout = new CancellationTokenSource(options.Value.AttemptTimeout, polling.Time);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        var delivery = new OutboxDelivery(message.Id, message.Subscriber, message.OrderingKey, message.Payload, message.CreatedAt, attempt);
        try
        {
            await channel.DeliverAsync(delivery, subscriber, limit.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"No answer within {options.Value.AttemptTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static string Describe(Exception exception)
    {
        var text = $"{exception.GetType().Name}: {exception.Message}";
        return text.Length <= 1000 ? text : text[..1000];
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
