using System.Runtime.CompilerServices;
using CityBrain.Contracts;
using CityBrain.Grains.Lifecycle;
using CityBrain.Storage;

namespace CityBrain.Grains.Queries;

/// <summary>
/// Follows the incident feed (Query.WatchIncidents): batches of the changes the caller may see, each with the feed
/// position to resume after, so a console that reconnects with the last position it got misses nothing and sees
/// nothing twice. Positions are the feed's own (commit order across the whole database, on any silo).
/// </summary>
public sealed class IncidentWatchService(IFeedReader feed, TimeProvider time, IGrainFactory grains)
{
    /// <summary>The most feed entries read at once.</summary>
    public const int BatchSize = 500;

    /// <summary>While caught up and seeing only changes the caller may not see, the resume position is sent at most this often.</summary>
    public static readonly TimeSpan PositionInterval = TimeSpan.FromSeconds(5);

    /// <summary>Streams the visible changes until <paramref name="cancellationToken"/> fires. The first batch with
    /// <see cref="IncidentChangeBatch.CaughtUp"/> marks the moment everything committed before has been sent.</summary>
    /// <exception cref="ValidationException">The query is invalid.</exception>
    /// <exception cref="PermissionDeniedException">The actor does not watch incidents.</exception>
    public async IAsyncEnumerable<IncidentChangeBatch> WatchAsync(Actor actor, IncidentWatchQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Authorize(actor, query);
        var position = query.FromNow ? await TailAsync(cancellationToken) : query.AfterPosition;
        var lastSent = DateTimeOffset.MinValue;
        var caughtUpSent = false;
        Task? written = null;
        while (true)
        {
            // Wait for writes from before the read on: a write that commits after the read but before a wait
            // registered later would signal nobody, and the watch would sleep until the next write or poll.
            written ??= feed.WhenWrittenAsync(cancellationToken);
            var entries = await feed.ReadAsync<IncidentFeedEntry>(IncidentFeed.Name, position, BatchSize, cancellationToken);
            var batch = new IncidentChangeBatch { CaughtUp = entries.Count < BatchSize };
            foreach (var entry in entries)
            {
                var change = entry.Value.Change;
                if (Visible(actor, query, change))
                {
                    change.Position = entry.Position;
                    batch.Changes.Add(change);
                }

                position = entry.Position;
            }

            batch.Position = position;
            if (query.WithRows && batch.Changes.Count > 0)
            {
                await AttachRowsAsync(actor, batch);
            }

            var now = time.GetUtcNow();
            if (batch.Changes.Count > 0 || (batch.CaughtUp && (!caughtUpSent || (entries.Count > 0 && now - lastSent >= PositionInterval))))
            {
                yield return batch;
                lastSent = now;
                caughtUpSent = batch.CaughtUp;
            }

            if (batch.CaughtUp)
            {
                await written;
                written = null;
            }
        }
    }

    /// <summary>Reads each changed incident once, as the caller, and attaches its list row to its latest change.</summary>
    private async Task AttachRowsAsync(Actor actor, IncidentChangeBatch batch)
    {
        var latest = new Dictionary<string, IncidentChange>(StringComparer.Ordinal);
        foreach (var change in batch.Changes)
        {
            latest[change.IncidentId] = change;
        }

        var incidents = await Task.WhenAll(latest.Keys.Select(id => ReadAsync(actor, id)));
        var now = time.GetUtcNow();
        foreach (var incident in incidents)
        {
            if (incident is not null)
            {
                latest[incident.Id].Row = IncidentListService.Summarize(incident, now);
            }
        }
    }

    /// <summary>The incident as the caller reads it; null when the caller may no longer read it (the change itself
    /// was visible: e.g. a department's assignment returned), so the watch goes on without its row.</summary>
    private async Task<Incident?> ReadAsync(Actor actor, string id)
    {
        try
        {
            return await grains.GetGrain<IIncidentGrain>(id).Get(actor);
        }
        catch (PermissionDeniedException)
        {
            return null;
        }
    }

    /// <summary>Checks the caller and the query before anything is read.</summary>
    public static void Authorize(Actor actor, IncidentWatchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        Permissions.RequireRole(actor, "watch incidents", "the role {role} does not watch incidents", Role.Admin, Role.Viewer, Role.Dispatcher, Role.Worker, Role.Department, Role.System);

        if (query.AfterPosition < 0)
        {
            throw new ValidationException("after_position", "must not be negative");
        }

        foreach (var status in query.Statuses)
        {
            if (!Enum.IsDefined(status))
            {
                throw new ValidationException("statuses", $"unknown value {(int)status}");
            }
        }
    }

    /// <summary>Whether the actor may see the change and the query asks for it.</summary>
    public static bool Visible(Actor actor, IncidentWatchQuery query, IncidentChange change)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(change);
        var allowed = actor.Role switch
        {
            Role.Admin or Role.Viewer or Role.System => true,
            Role.Dispatcher or Role.Worker => Permissions.CoversArea(actor.Jurisdiction, change.GridId, change.CommunityId, change.StreetId),
            Role.Department => actor.DepartmentId.Length > 0 && change.DepartmentIds.Contains(actor.DepartmentId),
            _ => false,
        };
        return allowed
            && (query.AreaId.Length == 0 || query.AreaId == change.GridId || query.AreaId == change.CommunityId || query.AreaId == change.StreetId)
            && (query.Statuses.Count == 0 || query.Statuses.Contains(change.Status))
            && (query.CategoryCode.Length == 0 || query.CategoryCode == change.CategoryCode)
            && (!query.RealOnly || !change.Exercise);
    }

    /// <summary>The position of the feed's last entry now (0 when it is empty).</summary>
    public Task<long> TailAsync(CancellationToken cancellationToken) => feed.LastPositionAsync(cancellationToken);
}
