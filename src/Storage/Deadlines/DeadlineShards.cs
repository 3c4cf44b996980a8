using CityBrain.Storage.Internal;

namespace CityBrain.Storage.Deadlines;

/// <summary>Waits for the deadline shards to catch up with the change feed — for tests that arm a deadline and then move
/// the grains' clock: the shard must know the deadline before its due time passes, or it fires late (still once).</summary>
internal static class DeadlineShards
{
    /// <summary>Completes once every shard has read every deadline change committed so far; returns the deadlines they hold.</summary>
    public static async Task<int> CaughtUpAsync(IGrainFactory grains, IFeedReader feed, CancellationToken cancellationToken = default)
    {
        var last = await feed.LastPositionAsync(cancellationToken).ConfigureAwait(false);
        var counts = await Task.WhenAll(Enumerable.Range(0, Shards.Count)
            .Select(shard => grains.GetGrain<IDeadlineShardGrain>(shard).ReadUpTo(last).WaitAsync(cancellationToken))).ConfigureAwait(false);
        return counts.Sum();
    }
}
