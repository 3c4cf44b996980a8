using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using Microsoft.Extensions.Options;

namespace CityBrain.Storage.Feeds;

internal sealed class FeedReader(JournalStore store, BackgroundClock polling, IOptions<StorageOptions> options) : IFeedReader
{
    public async Task<IReadOnlyList<FeedEntry<T>>> ReadAsync<T>(string feed, long afterPosition, int maxCount, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(feed);
        Check(afterPosition, maxCount);
        return Decode<T>(await store.ReadFeedAsync(feed, afterPosition, maxCount, cancellationToken).ConfigureAwait(false), feed);
    }

    public async Task<IReadOnlyList<FeedEntry<T>>> ReadTagAsync<T>(string tag, long afterPosition, int maxCount, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        Check(afterPosition, maxCount);
        return Decode<T>(await store.ReadTagAsync(tag, afterPosition, maxCount, cancellationToken).ConfigureAwait(false), tag);
    }

    public Task<long> LastPositionAsync(CancellationToken cancellationToken) => store.LastPositionAsync(cancellationToken);

    public Task WhenWrittenAsync(CancellationToken cancellationToken) =>
        polling.WaitAsync(store.WhenWrittenAsync(cancellationToken), options.Value.FeedPollInterval, options.Value.FeedReadInterval, cancellationToken);

    private static void Check(long afterPosition, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
    }

    private static List<FeedEntry<T>> Decode<T>(IReadOnlyList<StoredFeedEntry> stored, string what)
        where T : class
    {
        var entries = new List<FeedEntry<T>>(stored.Count);
        foreach (var entry in stored)
        {
            entries.Add(new FeedEntry<T>(
                entry.Position,
                GrainId.Create(entry.Grain.Type, entry.Grain.Key),
                entry.RecordedAt,
                PayloadCodec<T>.Decode(entry.Payload, $"feed entry {entry.Position} ({what})")));
        }

        return entries;
    }
}
