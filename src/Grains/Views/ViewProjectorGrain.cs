using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Queries;
using CityBrain.Grains.Telemetry;
using CityBrain.Storage;
using CityBrain.Storage.Placement;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CityBrain.Grains.Views;

/// <summary>
/// Keeps department queues and supervision boards exact: follows the incident feed and delivers the notices each
/// transition carries to the department and board grains, at least once and in feed order per incident (a shard
/// takes the incidents that hash to it). A view applies only notices after the position it recorded, so a delivery
/// repeated after a crash changes nothing; nothing committed is ever missed, since the notices were written with the
/// journal append. Deliveries are at least <see cref="DeliveryInterval"/> apart while it keeps up, so a busy view is
/// written once per interval rather than once per transition.
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
[ShardPlacement]
[GrainType("citybrain-view-projector")]
internal sealed class ViewProjectorGrain(
    [PersistentState("view-projector")] IPersistentState<ProjectorPosition> state,
    IFeedReader feed,
    BackgroundClock clock,
    OpenIncidentGauge openIncidents,
    ShardHoming homing,
    ILogger<ViewProjectorGrain> logger) : Grain, IViewProjectorGrain
{
    /// <summary>The number of projector shards.</summary>
    public const int Shards = 2;

    private const int ReadBatch = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two deliveries while caught up: views lag the journal by at most about this
    /// (plus the feed's poll interval on other silos).</summary>
    public static readonly TimeSpan DeliveryInterval = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(long Position, TaskCompletionSource Done)> _waiting = [];
    private long _position;
    private OpenIncidentTally _open = new(null);
    private DateTimeOffset _savedAt;
    private Task _following = Task.CompletedTask;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _position = state.State.Position;
        _open = new OpenIncidentTally(state.State.OpenIncidents);
        openIncidents.Publish(Shard, this, _open.Snapshot());
        _following = FollowAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _following;
        openIncidents.Withdraw(Shard, this);
    }

    public Task Ping()
    {
        homing.MoveIfAway(this);
        return Task.CompletedTask;
    }

    public Task ReadUpTo(long position)
    {
        if (_position >= position)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((position, done));
        return done.Task;
    }

    /// <summary>The shard of an incident: a stable hash of its id.</summary>
    public static int ShardOf(string incidentId)
    {
        var hash = 2166136261u;
        foreach (var c in incidentId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Shards);
    }

    private async Task FollowAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Take the signal and the feed's end before reading: a write after them wakes the wait below, and every
                // entry up to that end is visible to the read (positions become visible in order).
                var written = feed.WhenWrittenAsync(stopping);
                var last = await feed.LastPositionAsync(stopping);
                var entries = await feed.ReadAsync<IncidentFeedEntry>(IncidentFeed.Name, _position, ReadBatch, stopping);
                var delivered = entries.Count > 0 && await DeliverAsync(entries, stopping);
                if (entries.Count > 0)
                {
                    Count(entries);
                    _position = entries[^1].Position;
                }

                var caughtUp = entries.Count < ReadBatch;
                if (caughtUp)
                {
                    _position = Math.Max(_position, last);
                }

                // The position is saved with every delivery (so a restart redelivers little) and otherwise now and then:
                // the views skip what they have, so a saved position that lags costs only a re-read.
                if (delivered || clock.Time.GetUtcNow() - _savedAt >= SaveInterval)
                {
                    await SaveAsync();
                }

                Release();
                if (caughtUp)
                {
                    await written;
                    if (delivered)
                    {
                        // Gather the next notices for a moment: a view (a street's board, tens of KB) is written whole
                        // once per delivery, so deliveries a few milliseconds apart would rewrite it for each few notices.
                        await clock.DelayAsync(DeliveryInterval, stopping);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                GrainsLog.ProjectionFailed(logger, exception, Shard, RetryDelay);
                try
                {
                    await clock.DelayAsync(RetryDelay, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Delivers this shard's notices of the entries, one update per view, all at once; false when there were none.
    /// Throws (and the entries are read and delivered again) if any view fails. Stops waiting when the activation stops: a
    /// view may then never answer (on a stopping silo it cannot be placed again), and the next activation delivers the
    /// entries again.</summary>
    private async Task<bool> DeliverAsync(IReadOnlyList<FeedEntry<IncidentFeedEntry>> entries, CancellationToken stopping)
    {
        var updates = new Dictionary<(BoardLevel Board, string Key), ViewUpdate>();
        foreach (var entry in entries)
        {
            if (entry.Value.Notices.Count == 0 || ShardOf(entry.Grain.Key.ToString()!) != Shard)
            {
                continue;
            }

            foreach (var notice in entry.Value.Notices)
            {
                if (!updates.TryGetValue((notice.Board, notice.Key), out var update))
                {
                    updates[(notice.Board, notice.Key)] = update = new ViewUpdate { Shard = Shard };
                }

                update.Notices.Add(new PositionedNotice { Position = entry.Position, Notice = notice });
            }
        }

        await Task.WhenAll(updates.Select(u => u.Key.Board switch
        {
            BoardLevel.Unspecified => GrainFactory.GetGrain<IDepartmentGrain>(u.Key.Key).Apply(u.Value),
            BoardLevel.Grid => GrainFactory.GetGrain<IGridGrain>(u.Key.Key).Apply(u.Value),
            BoardLevel.Community => GrainFactory.GetGrain<ICommunityGrain>(u.Key.Key).Apply(u.Value),
            _ => GrainFactory.GetGrain<IStreetGrain>(u.Key.Key).Apply(u.Value),
        })).WaitAsync(stopping);
        return updates.Count > 0;
    }

    /// <summary>Applies this shard's changes among the entries to the open-incident counts, and publishes them.</summary>
    private void Count(IReadOnlyList<FeedEntry<IncidentFeedEntry>> entries)
    {
        var changed = false;
        foreach (var entry in entries)
        {
            if (entry.Position > _position && ShardOf(entry.Grain.Key.ToString()!) == Shard)
            {
                _open.Apply(entry.Value.Change);
                changed = true;
            }
        }

        if (changed)
        {
            openIncidents.Publish(Shard, this, _open.Snapshot());
        }
    }

    /// <summary>Saves the position with the counts as of it: any saved pair is consistent, so a restart replays from the
    /// position onto the matching counts.</summary>
    private async Task SaveAsync()
    {
        if (_position != state.State.Position)
        {
            state.State = new ProjectorPosition { Position = _position, OpenIncidents = _open.Snapshot() };
            await state.WriteStateAsync();
        }

        _savedAt = clock.Time.GetUtcNow();
    }

    private void Release()
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].Position <= _position)
            {
                _waiting[i].Done.TrySetResult();
                _waiting.RemoveAt(i);
            }
        }
    }
}
