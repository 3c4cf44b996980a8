using System.Diagnostics;
using CityBrain.Actors.Storage.Sql;
using CityBrain.Bench.Support;
using Npgsql;

namespace CityBrain.Bench.Ingest;

/// <summary>
/// What PostgreSQL alone can take on this machine: the rows the silo writes for each new incident, sent straight
/// from this process with the silo's own bulk statements, in group-commit transactions as large as the silo's, from
/// as many concurrent writers as the silo runs (fsync and synchronous_commit as configured). No silo, no gRPC, no
/// grain: an upper bound for durable intake with this storage layout, measured in the same run as the silo.
/// Two variants: the journal row alone, and everything an intake writes (journal, deadline, lock ordering the
/// feeds, day-index and incidents feed entries).
/// </summary>
internal static class PostgresFloor
{
    private const int EventsPerTransaction = 100;
    private static readonly PostgresDialect Dialect = new();

    /// <summary>Writes for <paramref name="duration"/>; returns events per second and the CPU spent. One data source for
    /// both variants, so no backend exits (and leaves the CPU accounting) between them.</summary>
    public static async Task<(double Rate, CpuSample Cpu)> MeasureAsync(NpgsqlDataSource dataSource, bool journalOnly, TimeSpan duration)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var payload = new byte[297];      // a Reported event's journal payload in the ingest benchmark
        var change = new byte[384];       // its incidents-feed entry
        var written = 0L;
        var cpu = CpuSample.Take(0);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Dialect.MaxConcurrentBatches).Select(w => Task.Run(async () =>
        {
            var n = 0L;
            while (watch.Elapsed < duration)
            {
                var keys = new string[EventsPerTransaction];
                for (var i = 0; i < keys.Length; i++)
                {
                    keys[i] = $"floor-{run}-{w}-{n++}";
                }

                await WriteAsync(dataSource, keys, payload, change, journalOnly);
                Interlocked.Add(ref written, keys.Length);
            }
        })));
        return (written / watch.Elapsed.TotalSeconds, CpuSample.Take(0) - cpu);
    }

    private static async Task WriteAsync(NpgsqlDataSource dataSource, string[] keys, byte[] payload, byte[] change, bool journalOnly)
    {
        var now = DateTimeOffset.UtcNow;
        var count = keys.Length;
        var types = Enumerable.Repeat("incident", count).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch)
        {
            batch.BatchCommands.Add(Command(Dialect.BulkInsertEventsSql,
                ("t", types), ("k", keys), ("q", Enumerable.Repeat(1L, count).ToArray()), ("s", Enumerable.Repeat(1, count).ToArray()),
                ("f", Enumerable.Repeat((short)1, count).ToArray()), ("p", Enumerable.Repeat(payload, count).ToArray()),
                ("u", Enumerable.Repeat(now, count).ToArray())));
            if (!journalOnly)
            {
                batch.BatchCommands.Add(Command(Dialect.BulkUpsertTimersSql,
                    ("t", types), ("k", keys), ("n", Enumerable.Repeat("sla", count).ToArray()), ("d", Enumerable.Repeat(now.AddMinutes(10), count).ToArray()),
                    ("m", new long?[count]), ("h", keys.Select(k => (long)(uint)k.GetHashCode(StringComparison.Ordinal)).ToArray())));
                batch.BatchCommands.Add(new NpgsqlBatchCommand(Dialect.FeedOrderLockSql));
                var feeds = Enumerable.Repeat("incident-day/" + now.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), count)
                    .Concat(Enumerable.Repeat("incidents", count)).ToArray();
                batch.BatchCommands.Add(Command(Dialect.BulkInsertFeedSql,
                    ("n", feeds), ("t", types.Concat(types).ToArray()), ("k", keys.Concat(keys).ToArray()), ("s", Enumerable.Repeat(1, 2 * count).ToArray()),
                    ("f", Enumerable.Repeat((short)1, 2 * count).ToArray()),
                    ("p", Enumerable.Repeat(Array.Empty<byte>(), count).Concat(Enumerable.Repeat(change, count)).ToArray()),
                    ("u", Enumerable.Repeat(now, 2 * count).ToArray())));
            }

            await batch.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }

        return command;
    }
}
