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
    /// the number of deadlines it holds then (a deadline being fired is held until its grain has answered).</summary>
    [AlwaysInterleave]
    Task<int> ReadUpTo(long position);

    /// <summary>As <see cref="ReadUpTo"/>, but completes only at a moment when no firing is in flight either: every
    /// deadline whose grain has been called is retired (answered) or back in the set (failed), so the count is final for
    /// the deadlines due so far.</summary>
    [AlwaysInterleave]
    Task<int> SettleUpTo(long position);
}
