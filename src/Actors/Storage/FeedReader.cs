namespace CityBrain.Actors.Storage;

internal sealed class FeedReader(IGrainStorage storage, TimeProvider time) : IFeedReader
{
    /// <summary>How often a waiting reader looks for entries written by other silos.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async Task<IReadOnlyList<FeedEntry<T>>> ReadAsync<T>(string feed, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(feed);
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var stored = await storage.ReadFeedAsync(feed, afterPosition, maxCount, cancellationToken).ConfigureAwait(false);
        return stored.Select(e => new FeedEntry<T>(e.Position, e.Grain, e.RecordedAt, PayloadCodec<T>.Decode(e.Payload, $"feed '{feed}' entry {e.Position}"))).ToList();
    }

    public async Task WaitAsync(string feed, long afterPosition, CancellationToken cancellationToken)
    {
        using var poll = new CancellationTokenSource(PollInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, poll.Token);
        try
        {
            await storage.WhenFeedWrittenAsync(feed, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // poll interval elapsed
        }
    }
}
