using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace CityBrain.Storage.Placement;

/// <summary>
/// Moves a shard grain to the silo that ranks first for it (<see cref="ShardHome"/>) once that silo has been an active
/// member for <see cref="SettleTime"/>, as this silo sees the membership: a silo that joins (or comes back) gets its share
/// of the shards, not at once (a silo that dies again within the settle time costs no extra moves). Each shard asks on
/// every ping of the <see cref="AlwaysOnKeeper"/> (about once a second per silo). A move is Orleans' migration: the
/// shard deactivates here (its deactivation ends its work and saves what it saves), then activates on the new silo.
/// Nothing moves while the database is known to be down, nor for <see cref="SettleTime"/> after this silo last saw it
/// down: the new activation could not load, and a move just after the return leaves the shard missing for the seconds
/// its new activation takes to load, exactly when the deadlines held through the outage fall due (in the fault test, a
/// move 2.3 s after the database came back left accept breaches up to 2.0 s late).
/// </summary>
public sealed class ShardHoming
{
    /// <summary>How long a silo must have been active before shards move to it.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _local;
    private readonly TimeProvider _time;
    private readonly JournalStore _store;
    private readonly ILogger<ShardHoming> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, DateTimeOffset> _activeSince = [];
    private MembershipVersion _version = MembershipVersion.MinValue;
    private SiloAddress[] _active = [];
    private DateTimeOffset? _downSeenAt;

    internal ShardHoming(IClusterMembershipService membership, ILocalSiloDetails local, TimeProvider time, JournalStore store, ILogger<ShardHoming> logger)
    {
        _membership = membership;
        _local = local;
        _time = time;
        _store = store;
        _logger = logger;
    }

    /// <summary>Starts moving <paramref name="grain"/> (a shard, in one of its own turns) to its home silo when it is
    /// elsewhere and the home has settled; returns whether it did.</summary>
    public bool MoveIfAway(IGrainBase grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        if (MovesHeld() || HomeElsewhere(grain.GrainContext.GrainId) is not { } home)
        {
            return false;
        }

        StorageLog.ShardMoving(_logger, grain.GrainContext.GrainId.ToString(), _local.SiloAddress.ToString(), home.ToString());
        // The hint makes Orleans place the moving shard on its home even if its own view of the silos differs from this one.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, home);
        try
        {
            grain.MigrateOnIdle();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return true;
    }

    /// <summary>True while the database is known to be down, and for <see cref="SettleTime"/> after this silo last saw it
    /// down (each shard asks about once a second, so that is at most a second before it answered again).</summary>
    internal bool MovesHeld()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_store.WhenReachableAgain is not null)
            {
                _downSeenAt = now;
                return true;
            }

            return _downSeenAt is { } seen && now - seen < SettleTime;
        }
    }

    /// <summary>The home of <paramref name="grain"/> when that is not this silo and has been active for the settle time.</summary>
    internal SiloAddress? HomeElsewhere(GrainId grain)
    {
        lock (_lock)
        {
            Refresh();
            if (_active.Length == 0)
            {
                return null;
            }

            var home = ShardHome.Of(grain, _active);
            return !home.Equals(_local.SiloAddress) && _time.GetUtcNow() - _activeSince[home] >= SettleTime ? home : null;
        }
    }

    private void Refresh()
    {
        var snapshot = _membership.CurrentSnapshot;
        if (snapshot.Version == _version)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
        foreach (var silo in _active)
        {
            _activeSince.TryAdd(silo, now);
        }

        foreach (var gone in _activeSince.Keys.Except(_active).ToList())
        {
            _activeSince.Remove(gone);
        }

        _version = snapshot.Version;
    }
}
