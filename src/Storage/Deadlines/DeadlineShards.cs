using CityBrain.Storage.Internal;

namespace CityBrain.Storage.Deadlines;

/// <summary>Waits for the deadline shards to catch up with the change feed — for tests that arm a deadline and then move
/// the grains' clock: the shard must know the deadline before its due time passes, or it fires late (still once).</summary>
internal static class DeadlineShards
{
    /// <summary>Completes once every shard has read every deadline change committed so far; returns the deadlines they hold.</summary>
    public static Task<int> CaughtUpAsync(IGrainFactory grains, IFeedReader feed, CancellationToken cancellationToken = default) =>
        SumAsync(feed, (shard, last) => grains.GetGrain<IDeadlineShardGrain>(shard).ReadUpTo(last), cancellationToken);

    /// <summary>As <see cref="CaughtUpAsync"/>, and completes only once each shard has no firing in flight: for tests that
    /// saw a deadline delivered and then count what is left (the shard retires a deadline after its grain answered, so a
    /// plain catch-up can still count one whose delivery was already seen).</summary>
    public static Task<int> SettledAsync(IGrainFactory grains, IFeedReader feed, CancellationToken cancellationToken = default) =>
        SumAsync(feed, (shard, last) => grains.GetGrain<IDeadlineShardGrain>(shard).SettleUpTo(last), cancellationToken);

    private static async Task<int> SumAsync(IFeedReader feed, Func<int, long, Task<int>> wait, CancellationToken cancellationToken)
    {
        var last = await feed.LastPositionAsync(cancellationToken).ConfigureAwait(false);
        var counts = await Task.WhenAll(Enumerable.Range(0, Shards.Count).Select(shard => wait(shard, last).WaitAsync(cancellationToken))).ConfigureAwait(false);
        return counts.Sum();
    }
}
