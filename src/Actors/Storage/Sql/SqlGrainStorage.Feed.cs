using System.Collections.Concurrent;

namespace CityBrain.Actors.Storage.Sql;

internal sealed partial class SqlGrainStorage
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _feedSignals = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<StoredFeedEntry>> ReadFeedAsync(string feed, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        ReadAsync(default, async (connection, _, cancellationToken) =>
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = SqlText.ReadFeed;
            SqlText.Add(command, "n", feed);
            SqlText.Add(command, "q", afterPosition);
            SqlText.Add(command, "m", (long)maxCount);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var entries = new List<StoredFeedEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new StoredFeedEntry(
                    reader.GetInt64(0),
                    new GrainId(reader.GetString(1), reader.GetString(2)),
                    _dialect.ReadTime(reader, 3),
                    ReadPayload(reader, 4)));
            }

            return (IReadOnlyList<StoredFeedEntry>)entries;
        }, cancellationToken);

    public Task WhenFeedWrittenAsync(string feed, CancellationToken cancellationToken) =>
        _feedSignals.GetOrAdd(feed, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(cancellationToken);

    private void SignalFeeds(List<PendingCommit> batch, bool[] committed)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (!committed[i])
            {
                continue;
            }

            foreach (var entry in batch[i].Group.Feed)
            {
                if (_feedSignals.TryRemove(entry.Feed, out var signal))
                {
                    signal.TrySetResult();
                }
            }
        }
    }
}
