using CityBrain.Storage;

namespace CityBrain.Grains.Views;

/// <summary>Waits for the views (department queues, supervision boards) to catch up with the incident feed — for tests
/// and tools that read a view right after a transition.</summary>
internal static class ViewProjection
{
    /// <summary>Completes once every projector shard has delivered the notices of every transition committed so far.</summary>
    public static async Task CaughtUpAsync(IGrainFactory grains, IFeedReader feed, CancellationToken cancellationToken = default)
    {
        var last = await feed.LastPositionAsync(cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, ViewProjectorGrain.Shards)
            .Select(shard => grains.GetGrain<IViewProjectorGrain>(shard).ReadUpTo(last).WaitAsync(cancellationToken)));
    }
}
