namespace CityBrain.Actors;

/// <summary>
/// Reads change feeds that grains publish to with <see cref="Grain.Publish{T}"/>. Entries appear in commit order
/// with increasing positions, so a reader that remembers the last position it saw resumes without a gap or a
/// repeat, on any silo.
/// </summary>
public interface IFeedReader
{
    /// <summary>Entries of <paramref name="feed"/> after <paramref name="afterPosition"/>, oldest first.</summary>
    Task<IReadOnlyList<FeedEntry<T>>> ReadAsync<T>(string feed, long afterPosition, int maxCount, CancellationToken cancellationToken);

    /// <summary>Waits until the feed may have entries after <paramref name="afterPosition"/>: at once when a write
    /// in this process published to it, else after a short poll interval (writes on other silos).</summary>
    Task WaitAsync(string feed, long afterPosition, CancellationToken cancellationToken);
}
