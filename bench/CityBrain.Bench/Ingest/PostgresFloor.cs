using System.Diagnostics;
using System.Globalization;
using CityBrain.Actors;
using CityBrain.Actors.Storage;
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

    // A Reported event's journal payload and its incidents-feed entry, at their sizes in the ingest benchmark.
    private static readonly Payload Event = new(1, PayloadFormat.Protobuf, new byte[297]);
    private static readonly FeedWrite Change = new("incidents", new Payload(1, PayloadFormat.Protobuf, new byte[384]));

    /// <summary>Writes for <paramref name="duration"/>; returns events per second and the CPU spent. One data source for
    /// both variants, so no backend exits (and leaves the CPU accounting) between them.</summary>
    public static async Task<(double Rate, CpuSample Cpu)> MeasureAsync(NpgsqlDataSource dataSource, bool journalOnly, TimeSpan duration)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var written = 0L;
        var cpu = CpuSample.Take(0);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Dialect.MaxConcurrentBatches).Select(w => Task.Run(async () =>
        {
            var n = 0L;
            while (watch.Elapsed < duration)
            {
                var grains = new GrainId[EventsPerTransaction];
                for (var i = 0; i < grains.Length; i++)
                {
                    grains[i] = new GrainId("incident", $"floor-{run}-{w}-{n++}");
                }

                await WriteAsync(dataSource, grains, journalOnly);
                Interlocked.Add(ref written, grains.Length);
            }
        })));
        return (written / watch.Elapsed.TotalSeconds, CpuSample.Take(0) - cpu);
    }

    /// <summary>One transaction as the silo's group commit builds it (<see cref="BulkRows"/>, <see cref="StatementList"/>).</summary>
    private static async Task WriteAsync(NpgsqlDataSource dataSource, GrainId[] grains, bool journalOnly)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new BulkRows.Events(grains.Length);
        var timers = new BulkRows.Timers(grains.Length);
        var feed = new BulkRows.Feed(2 * grains.Length);
        var day = new FeedWrite("incident-day/" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), new Payload(1, PayloadFormat.Protobuf, []));
        foreach (var grain in grains)
        {
            events.TryAdd(grain, 1, now, Event);
            timers.Add(grain, new TimerChange("sla", now.AddMinutes(10), null));
            feed.Add(grain, now, day);
            feed.Add(grain, now, Change);
        }

        var statements = new StatementList();
        events.AddParameters(statements.Add(Dialect.BulkInsertEventsSql!), Dialect);
        if (!journalOnly)
        {
            timers.AddParameters(statements.Add(Dialect.BulkUpsertTimersSql!), Dialect);
            statements.Add(Dialect.FeedOrderLockSql);
            feed.AddParameters(statements.Add(Dialect.BulkInsertFeedSql!), Dialect);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await statements.ExecuteAsync(connection, transaction, CancellationToken.None);
        await transaction.CommitAsync();
    }
}
