namespace CityBrain.Storage;

/// <summary>
/// Reads the change feed that journaled grains publish to (<see cref="IJournal{TState,TEvent}.Publish"/>). Entries appear
/// in commit order with increasing positions, across the whole database, so a reader that remembers the last position
/// it saw resumes without a gap or a repeat, on any silo.
/// </summary>
public interface IFeedReader
{
    /// <summary>Entries of <paramref name="feed"/> after <paramref name="afterPosition"/>, oldest first.</summary>
    Task<IReadOnlyList<FeedEntry<T>>> ReadAsync<T>(string feed, long afterPosition, int maxCount, CancellationToken cancellationToken)
        where T : class;

    /// <summary>Entries published under <paramref name="tag"/> after <paramref name="afterPosition"/>, oldest first.</summary>
    Task<IReadOnlyList<FeedEntry<T>>> ReadTagAsync<T>(string tag, long afterPosition, int maxCount, CancellationToken cancellationToken)
        where T : class;

    /// <summary>The position of the last entry now (0 when the feed is empty).</summary>
    Task<long> LastPositionAsync(CancellationToken cancellationToken);

    /// <summary>Waits until entries may have been written: at once after a write in this process, else after the poll
    /// interval (writes on other silos). Take the returned task before reading, then await it once the read found
    /// nothing new, so a write between the two is not missed.</summary>
    Task WhenWrittenAsync(CancellationToken cancellationToken);
}

/// <summary>One entry of the change feed.</summary>
/// <param name="Position">Its position: strictly increasing in commit order across the whole database.</param>
/// <param name="Grain">The grain that published it.</param>
/// <param name="RecordedAt">When it was written.</param>
/// <param name="Value">What the grain published.</param>
public sealed record FeedEntry<T>(long Position, GrainId Grain, DateTimeOffset RecordedAt, T Value);
