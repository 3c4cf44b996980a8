using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using CityBrain.Bench.Support;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Queries;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Sql;

namespace CityBrain.Bench.Ingest;

/// <summary>
/// What PostgreSQL alone can take on this machine: the rows the silo writes for each new incident, sent straight from
/// this process with the journal store's own statements (<see cref="PostgresDialect"/>, <see cref="BulkRows"/>,
/// <see cref="StatementList"/>), in transactions built as its group commit builds them — first the journal rows (one
/// <c>unnest</c> statement returning what it inserted: the version check), then, under the feed-order lock, the feed
/// rows (one <c>unnest</c> statement) — from as many concurrent writers as the store runs (fsync and synchronous_commit
/// as configured). No silo, no gRPC, no grain: an upper bound for durable intake with this storage layout, measured in
/// the same run as the silo. Two variants: the journal row alone, and everything an intake writes (its journal row and
/// its one change-feed row, which carries the incidents-feed entry, the day-index tag and the SLA deadline).
/// </summary>
internal static class PostgresFloor
{
    /// <summary>Events per transaction: a group-commit batch of a loaded silo (the store takes up to 1,024).</summary>
    public const int EventsPerTransaction = 100;

    private static readonly PostgresDialect Dialect = new();

    /// <summary>Writes for <paramref name="duration"/>; returns events per second and the CPU spent. One data source for
    /// both variants, so no backend exits (and leaves the CPU accounting) between them. <paramref name="eventBytes"/> and
    /// <paramref name="entryBytes"/>: the sizes of a Reported event's journal payload and of a new incident's feed entry,
    /// as the silo wrote them in this run.</summary>
    public static async Task<(double Rate, CpuSample Cpu)> MeasureAsync(DbDataSource dataSource, bool journalOnly, TimeSpan duration, int postmaster, int eventBytes, int entryBytes)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var journalPayload = new Payload(1, PayloadFormat.Protobuf, new byte[eventBytes]);
        var entryPayload = new Payload(1, PayloadFormat.Protobuf, new byte[entryBytes]);
        var written = 0L;
        var cpu = CpuSample.Take(0, postmaster);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Dialect.MaxConcurrentBatches).Select(w => Task.Run(async () =>
        {
            var n = 0L;
            while (watch.Elapsed < duration)
            {
                var grains = new StoredGrain[EventsPerTransaction];
                for (var i = 0; i < grains.Length; i++)
                {
                    grains[i] = new StoredGrain("incident", string.Create(CultureInfo.InvariantCulture, $"floor-{run}-{w}-{n++}"));
                }

                await WriteAsync(dataSource, grains, journalOnly, journalPayload, entryPayload);
                Interlocked.Add(ref written, grains.Length);
            }
        })));
        return (written / watch.Elapsed.TotalSeconds, CpuSample.Take(0, postmaster) - cpu);
    }

    /// <summary>One transaction as the store's group commit builds it (JournalStore.Commit.cs).</summary>
    private static async Task WriteAsync(DbDataSource dataSource, StoredGrain[] grains, bool journalOnly, Payload journalPayload, Payload entryPayload)
    {
        var now = DateTimeOffset.UtcNow;
        var dayTag = IncidentIndex.Tag(now.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        var events = new BulkRows.Events(grains.Length);
        var feed = new BulkRows.Feed(grains.Length);
        foreach (var grain in grains)
        {
            events.TryAdd(grain, 1, now, journalPayload);
            feed.Add(new FeedRow(IncidentFeed.Name, dayTag, grain, Shards.Of(grain), entryPayload, "sla", now.AddMinutes(10), now));
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Phase 1: the first events, whose insert is the version check; the store reads back what was inserted.
        var first = new StatementList.Statement(Dialect.BulkInsertEventsSql);
        events.AddParameters(first, Dialect);
        var inserted = 0;
        await using (var command = first.CreateCommand(connection, transaction))
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                inserted++;
            }
        }

        if (inserted != grains.Length)
        {
            throw new InvalidOperationException($"The floor's journal insert wrote {inserted} of {grains.Length} rows.");
        }

        // Phase 2: the feed rows after the lock that orders positions by commit.
        if (!journalOnly)
        {
            var dependent = new StatementList();
            dependent.Add(Dialect.FeedOrderLockSql);
            feed.AddParameters(dependent.Add(Dialect.BulkInsertFeedSql), Dialect);
            await dependent.ExecuteAsync(connection, transaction, CancellationToken.None);
        }

        await transaction.CommitAsync();
    }
}
