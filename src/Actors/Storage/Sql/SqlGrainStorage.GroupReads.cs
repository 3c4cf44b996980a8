using System.Data.Common;

namespace CityBrain.Actors.Storage.Sql;

internal sealed partial class SqlGrainStorage
{
    private const int MaxReadBatch = 256;

    private async Task<T> ReadGroupedAsync<T>(GroupReader<T> reader, GrainId grain, CancellationToken cancellationToken)
    {
        _circuit.ThrowIfOpen();
        return await reader.ReadAsync(grain).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task ReadStatesBatchAsync(List<PendingRead<StoredState?>> batch) =>
        ReadBatchAsync(batch, _dialect.ReadStatesBatchSql!, async (reader, found) =>
        {
            var states = new Dictionary<GrainId, StoredState?>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var grain = new GrainId(reader.GetString(0), reader.GetString(1));
                Payload? payload = reader.IsDBNull(5) ? null : ReadPayload(reader, 3);
                states[grain] = new StoredState(reader.GetInt64(2), payload);
            }

            foreach (var pending in found)
            {
                pending.TrySetResult(states.GetValueOrDefault(pending.Grain));
            }
        });

    private Task ReadJournalsBatchAsync(List<PendingRead<JournalLoad>> batch) =>
        ReadBatchAsync(batch, _dialect.ReadJournalsBatchSql!, async (reader, found) =>
        {
            var snapshots = new Dictionary<GrainId, StoredSnapshot>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                snapshots[new GrainId(reader.GetString(0), reader.GetString(1))] =
                    new StoredSnapshot(reader.GetInt64(2), ReadPayload(reader, 3));
            }

            await reader.NextResultAsync().ConfigureAwait(false);
            var events = new Dictionary<GrainId, List<StoredEvent>>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var grain = new GrainId(reader.GetString(0), reader.GetString(1));
                if (!events.TryGetValue(grain, out var list))
                {
                    events[grain] = list = [];
                }

                list.Add(new StoredEvent(
                    reader.GetInt64(2),
                    _dialect.ReadTime(reader, 3),
                    ReadPayload(reader, 4)));
            }

            foreach (var pending in found)
            {
                pending.TrySetResult(new JournalLoad(snapshots.GetValueOrDefault(pending.Grain), events.GetValueOrDefault(pending.Grain) ?? []));
            }
        });

    /// <summary>Runs one query for a batch of loads (arrays of grain types and keys) and hands the reader to
    /// <paramref name="complete"/>, which answers every load. A failure fails them all.</summary>
    private async Task ReadBatchAsync<T>(List<PendingRead<T>> batch, string sql, Func<DbDataReader, List<PendingRead<T>>, Task> complete)
    {
        var started = _time.GetTimestamp();
        try
        {
            _circuit.ThrowIfOpen();
            var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = sql;
            SqlText.Add(command, "t", batch.Select(p => p.Grain.Type).ToArray());
            SqlText.Add(command, "k", batch.Select(p => p.Grain.Key).ToArray());
            var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            await complete(reader, batch).ConfigureAwait(false);
            _circuit.Reset();
        }
        catch (Exception exception)
        {
            var error = Classify(exception);
            foreach (var pending in batch)
            {
                pending.TrySetException(error);
            }
        }
        finally
        {
            _metrics.StorageRead(_time.GetElapsedTime(started));
        }
    }
}
