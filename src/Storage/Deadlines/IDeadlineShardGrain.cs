using Orleans.Concurrency;

namespace CityBrain.Storage.Deadlines;

/// <summary>One deadline shard (key 0 .. <see cref="Internal.Shards.Count"/> - 1): follows its deadline changes on the
/// change feed and fires them. Kept active on some silo by every silo's <see cref="AlwaysOnKeeper"/>.</summary>
internal interface IDeadlineShardGrain : IGrainWithIntegerKey
{
    /// <summary>Activates the shard if it is not; returns at once.</summary>
    [AlwaysInterleave]
    Task Ping();

    /// <summary>Completes once the shard has read the feed up to <paramref name="position"/> (or further), and returns
    /// the number of deadlines it holds then.</summary>
    [AlwaysInterleave]
    Task<int> ReadUpTo(long position);
}
