using CityBrain.Storage.Internal;
using CityBrain.Storage.Sql;

namespace CityBrain.Storage.Journal;

internal sealed partial class JournalStore
{
    /// <summary>Completes at the next commit in this process that wrote feed rows (readers on other silos poll).</summary>
    public Task WhenWrittenAsync(CancellationToken cancellationToken) => Volatile.Read(ref _written).Task.WaitAsync(cancellationToken);

    /// <summary>Entries of <paramref name="feed"/> after <paramref name="afterPosition"/>, in position order.</summary>
    public Task<IReadOnlyList<StoredFeedEntry>> ReadFeedAsync(string feed, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        ReadEntriesAsync(SqlText.ReadFeed, "n", feed, afterPosition, maxCount, cancellationToken);

    /// <summary>Entries tagged <paramref name="tag"/> after <paramref name="afterPosition"/>, in position order.</summary>
    public Task<IReadOnlyList<StoredFeedEntry>> ReadTagAsync(string tag, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        ReadEntriesAsync(SqlText.ReadTag, "g", tag, afterPosition, maxCount, cancellationToken);

    private Task<IReadOnlyList<StoredFeedEntry>> ReadEntriesAsync(string sql, string keyParameter, string key, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredFeedEntry>>(async (connection, cancellationToken) =>
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = sql;
            SqlText.Add(command, keyParameter, key);
            SqlText.Add(command, "q", afterPosition);
            SqlText.Add(command, "m", (long)maxCount);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var entries = new List<StoredFeedEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new StoredFeedEntry(
                    reader.GetInt64(0),
                    new StoredGrain(reader.GetString(1), reader.GetString(2)),
                    Dialect.ReadTime(reader, 3),
                    ReadPayload(reader, 4)));
            }

            return entries;
        }, cancellationToken);

    /// <summary>The deadline changes of one shard after <paramref name="afterPosition"/>, in position order.</summary>
    public Task<IReadOnlyList<StoredDeadlineChange>> ReadDeadlineChangesAsync(int shard, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredDeadlineChange>>(async (connection, cancellationToken) =>
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = SqlText.ReadTimerChanges;
            SqlText.Add(command, "h", (short)shard);
            SqlText.Add(command, "q", afterPosition);
            SqlText.Add(command, "m", (long)maxCount);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var changes = new List<StoredDeadlineChange>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                changes.Add(new StoredDeadlineChange(
                    reader.GetInt64(0),
                    new StoredGrain(reader.GetString(1), reader.GetString(2)),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : Dialect.ReadTime(reader, 4)));
            }

            return changes;
        }, cancellationToken);

    /// <summary>The position of the feed's last row (0 when empty).</summary>
    public Task<long> LastPositionAsync(CancellationToken cancellationToken) =>
        ReadAsync(async (connection, cancellationToken) =>
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = SqlText.LastPosition;
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>A deadline shard's checkpoint, or null when it has none.</summary>
    public Task<(long Position, byte[] Payload)?> ReadCheckpointAsync(int shard, CancellationToken cancellationToken) =>
        ReadAsync<(long, byte[])?>(async (connection, cancellationToken) =>
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = SqlText.ReadDeadlineCheckpoint;
            SqlText.Add(command, "h", (short)shard);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : null;
        }, cancellationToken);

    /// <summary>Stores a deadline shard's checkpoint unless a later one is stored already.</summary>
    public Task WriteCheckpointAsync(int shard, long position, byte[] payload, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, cancellationToken) =>
        {
            var command = new StatementList.Statement(SqlText.UpsertDeadlineCheckpoint)
                .With("h", (short)shard).With("q", position).With("p", payload).With("u", Dialect.ToDb(_time.GetUtcNow()))
                .CreateCommand(connection, null);
            await using var commandScope = command.ConfigureAwait(false);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Loads a batch of journals with one query (arrays of grain types and keys) and answers every load.</summary>
    private async Task LoadBatchAsync(List<PendingLoad> batch)
    {
        using var activity = StorageTelemetry.StartBatch("journal load", batch, static p => p.Caller);
        try
        {
            _circuit.ThrowIfOpen();
            var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = Dialect.ReadJournalsBatchSql!;
            SqlText.Add(command, "t", batch.Select(p => p.Grain.Type).ToArray());
            SqlText.Add(command, "k", batch.Select(p => p.Grain.Key).ToArray());
            var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var snapshots = new Dictionary<StoredGrain, StoredSnapshot>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                snapshots[new StoredGrain(reader.GetString(0), reader.GetString(1))] = new StoredSnapshot(reader.GetInt64(2), ReadPayload(reader, 3));
            }

            await reader.NextResultAsync().ConfigureAwait(false);
            var events = new Dictionary<StoredGrain, List<StoredEvent>>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var grain = new StoredGrain(reader.GetString(0), reader.GetString(1));
                if (!events.TryGetValue(grain, out var list))
                {
                    events[grain] = list = [];
                }

                list.Add(new StoredEvent(reader.GetInt64(2), Dialect.ReadTime(reader, 3), ReadPayload(reader, 4)));
            }

            _circuit.Reset();
            foreach (var pending in batch)
            {
                pending.TrySetResult(new JournalLoad(snapshots.GetValueOrDefault(pending.Grain), events.GetValueOrDefault(pending.Grain) ?? []));
            }
        }
        catch (Exception exception)
        {
            var error = Classify(exception);
            foreach (var pending in batch)
            {
                pending.TrySetException(error);
            }
        }
    }

}
