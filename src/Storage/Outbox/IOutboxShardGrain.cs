using Orleans.Concurrency;

namespace CityBrain.Storage.Outbox;

/// <summary>One outbox shard (key 0 .. <see cref="Internal.Shards.Count"/> - 1): delivers the messages whose ordering
/// key hashes to it. Kept active on some silo by every silo's <see cref="AlwaysOnKeeper"/>.</summary>
internal interface IOutboxShardGrain : IGrainWithIntegerKey
{
    /// <summary>Activates the shard if it is not; returns at once.</summary>
    [AlwaysInterleave]
    Task Ping();
}
