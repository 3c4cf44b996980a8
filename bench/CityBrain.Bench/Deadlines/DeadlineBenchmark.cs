using System.Diagnostics;
using System.Globalization;
using CityBrain.Bench.Support;
using CityBrain.Storage;
using CityBrain.Storage.Deadlines;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Sql;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace CityBrain.Bench.Deadlines;

/// <summary>
/// Durable deadlines on PostgreSQL (fsync on), as the journal store keeps them: 100,000 pending deadlines (10,000
/// grains x 10 names) stored as the store stores them — change-feed rows carrying a timer name and due time, each with
/// its grain's shard — then loaded by the 8 deadline shards of a starting silo (in this process); the heap they cost
/// is measured once the shards have caught up with the feed, net of an idle silo's measured the same way. Then they
/// fire at their due times (spread over 30 s) on a grain implementing <see cref="IDeadlineReceiver"/>, which records
/// how late each arrived.
/// A comparison follows on the same silo and database, each part 20,000 operations with 256 in flight (the two kinds of append alternated twice and averaged): registering
/// Orleans reminders (Reminders.AdoNet, one grain each), standalone deadline changes (<see cref="DeadlineWriter.SetAsync"/>),
/// and journal appends that publish a feed entry (as an incident transition does) with and without a deadline change
/// riding on them — rate and PostgreSQL CPU per operation for each.
/// Arguments: deadlines (100000), lead seconds (30), spread seconds (30), comparison operations (20000).
/// Ends with: deadlines pending=N bytes_per_deadline=N fire_lag_p99_ms=N raw_bytes_per_deadline=N
///   reminder_regs_per_s=N reminder_pg_us=N writer_sets_per_s=N writer_pg_us=N append_deadline_pg_us=N append_plain_pg_us=N
/// </summary>
internal static class DeadlineBenchmark
{
    private const int MaxGrains = 10_000;
    private const int InFlight = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var lead = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30);
        var spread = TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 30);
        var operations = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20_000;
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await server.CreateDatabaseAsync("bench_deadlines");
        var statements = await PgStatements.FromEnvironmentAsync(server, connection);
        var postmaster = await CpuSample.PostmasterPidAsync(connection);

        // The first silo creates the schema and warms up this process; the second, on the same empty feed, measures what
        // a silo costs on the heap without deadlines.
        BenchHost.Progress($"starting an idle silo twice (schema, warm-up, then the heap of an idle silo); load average {BenchHost.LoadAverage()}");
        using (var warm = await StartAsync(connection, new FireLog(0)))
        {
            await CaughtUpAsync(warm);
            await warm.StopAsync();
        }

        var idleBefore = GC.GetTotalMemory(forceFullCollection: true);
        var idle = await StartAsync(connection, new FireLog(0));
        await CaughtUpAsync(idle);
        var idleCost = GC.GetTotalMemory(forceFullCollection: true) - idleBefore;
        await idle.StopAsync();
        idle.Dispose();
        BenchHost.Progress($"  an idle silo holds {idleCost / 1024.0 / 1024:F1} MB");

        var grainCount = Math.Min(count, MaxGrains);
        var firstDue = DateTimeOffset.UtcNow + lead;
        BenchHost.Progress($"storing {count:N0} deadlines ({grainCount:N0} grains) due from {firstDue:HH:mm:ss} over {spread.TotalSeconds} s");
        await StoreAsync(connection, count, grainCount, firstDue, spread);

        var log = new FireLog(count);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var loadStart = Stopwatch.GetTimestamp();
        using var host = await StartAsync(connection, log);
        var pending = await CaughtUpAsync(host);
        var loaded = Stopwatch.GetElapsedTime(loadStart);
        var raw = GC.GetTotalMemory(forceFullCollection: true) - before;
        var bytesPerDeadline = (raw - idleCost) / (double)pending;
        BenchHost.Progress($"silo started and its shards loaded {pending:N0} deadlines in {loaded.TotalSeconds:F1} s: {bytesPerDeadline:F0} bytes each net of the idle silo ({raw / (double)pending:F0} raw)");
        if (DateTimeOffset.UtcNow > firstDue)
        {
            BenchHost.Progress("warning: loading took longer than the lead time; lags include load time (raise the lead)");
        }

        var cpu = CpuSample.Take(0, postmaster);
        var progress = Task.Run(async () =>
        {
            while (!log.All.IsCompleted)
            {
                await Task.WhenAny(log.All, Task.Delay(5000));
                BenchHost.Progress($"  fired {log.Count:N0}");
            }
        });
        await log.All.WaitAsync(lead + spread + TimeSpan.FromMinutes(5));
        await progress;
        var p99 = log.PercentileMilliseconds(99);
        BenchHost.Progress($"all fired: lag on arrival p50 {log.PercentileMilliseconds(50):F0} ms, p99 {p99:F0} ms, max {log.PercentileMilliseconds(100):F0} ms; "
            + $"the shards' firing alone p50 {log.FiredPercentileMilliseconds(50):F0} ms, p99 {log.FiredPercentileMilliseconds(99):F0} ms");
        BenchHost.Progress($"  from the lead time to the last firing: {(CpuSample.Take(0, postmaster) - cpu).PerOperation(pending)} (per deadline)");

        var grains = host.Services.GetRequiredService<IGrainFactory>();
        BenchHost.Progress($"comparison: {operations:N0} operations of each kind, {InFlight} in flight");
        var reminders = Enumerable.Range(0, operations).Select(i => grains.GetGrain<IReminderBenchGrain>(i)).ToArray();
        var journaled = Enumerable.Range(0, operations).Select(i => grains.GetGrain<IJournaledDeadlineGrain>(i)).ToArray();
        await Load.RunAsync(operations, InFlight, i => Task.WhenAll(reminders[i].Activate(), journaled[i].Activate()));

        var (reminderRate, reminderCpu) = await MeasureAsync(statements, "Orleans reminders registered (one grain each, upsert of OrleansRemindersTable)", operations, postmaster,
            i => reminders[i].Arm(TimeSpan.FromHours(1)));
        var writer = host.Services.GetRequiredService<DeadlineWriter>();
        var far = DateTimeOffset.UtcNow.AddHours(1);
        var (writerRate, writerCpu) = await MeasureAsync(statements, "DeadlineWriter.SetAsync (a change-feed row of its own, group commit)", operations, postmaster,
            i => writer.SetAsync(GrainId.Create(DeadlineBenchGrain.GrainTypeName, $"w{i}"), "sla", far));
        // Alternated twice, so that neither variant alone meets a cold or a busy moment of the machine.
        var (plainRate, plainCpu) = (0.0, 0.0);
        var (ridingRate, ridingCpu) = (0.0, 0.0);
        for (var round = 0; round < 2; round++)
        {
            var plain = await MeasureAsync(statements, "journal appends with a feed entry, no deadline", operations, postmaster,
                i => journaled[i].Append(null));
            var riding = await MeasureAsync(statements, "journal appends with a feed entry and a deadline riding on it", operations, postmaster,
                i => journaled[i].Append(far));
            (plainRate, plainCpu) = (plainRate + plain.Rate / 2, plainCpu + plain.PostgresUs / 2);
            (ridingRate, ridingCpu) = (ridingRate + riding.Rate / 2, ridingCpu + riding.PostgresUs / 2);
        }

        BenchHost.Progress(FormattableString.Invariant(
            $"  a deadline costs PostgreSQL {reminderCpu:F1} µs as an Orleans reminder, {writerCpu:F1} µs standalone, {ridingCpu - plainCpu:F1} µs riding on an append ({ridingCpu:F1} with, {plainCpu:F1} without)"));

        await host.StopAsync();
        BenchHost.Progress($"load average {BenchHost.LoadAverage()}");
        Console.WriteLine(FormattableString.Invariant(
            $"deadlines pending={pending} bytes_per_deadline={bytesPerDeadline:F0} fire_lag_p99_ms={p99:F0} raw_bytes_per_deadline={raw / (double)pending:F0} reminder_regs_per_s={reminderRate:F0} reminder_pg_us={reminderCpu:F1} writer_sets_per_s={writerRate:F0} writer_pg_us={writerCpu:F1} append_deadline_pg_us={ridingCpu:F1} append_plain_pg_us={plainCpu:F1} append_deadline_per_s={ridingRate:F0} append_plain_per_s={plainRate:F0}"));
        return 0;
    }

    private static async Task<(double Rate, double PostgresUs)> MeasureAsync(PgStatements? statements, string what, int operations, int postmaster, Func<int, Task> operation)
    {
        if (statements is not null)
        {
            await statements.ResetAsync();
        }

        var cpu = CpuSample.Take(0, postmaster);
        var watch = Stopwatch.StartNew();
        await Load.RunAsync(operations, InFlight, operation);
        var rate = operations / watch.Elapsed.TotalSeconds;
        var spent = CpuSample.Take(0, postmaster) - cpu;
        BenchHost.Progress($"  {what}: {rate:N0}/s; {spent.PerOperation(operations)}");
        if (statements is not null)
        {
            BenchHost.Progress(await statements.ReportAsync(operations, 8));
        }
        return (rate, spent.PostgresPer(operations));
    }

    private static Task<int> CaughtUpAsync(IHost host) =>
        DeadlineShards.CaughtUpAsync(host.Services.GetRequiredService<IGrainFactory>(), host.Services.GetRequiredService<IFeedReader>());

    private static Task<IHost> StartAsync(string connection, FireLog log) =>
        BenchHost.StartSiloAsync(connection, silo =>
        {
            silo.Services.AddSingleton(log);
            silo.Services.AddSingleton<IJournalFold<Steps, Step>, StepsFold>();
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = DatabaseSchema.OrleansInvariant(DatabaseKind.Postgres);
                o.ConnectionString = connection;
            });
        });

    /// <summary>The deadlines as the store writes them (<see cref="FeedRow.AddTo"/>: a row on the deadlines feed carrying
    /// the change and its grain's shard), copied in with binary COPY.</summary>
    private static async Task StoreAsync(string connectionString, int count, int grainCount, DateTimeOffset firstDue, TimeSpan spread)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY change_feed (feed, tag, grain_type, grain_key, shard, schema_version, format, payload, timer_name, timer_due, recorded_at) FROM STDIN (FORMAT BINARY)");
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        var rows = new List<FeedRow>(1);
        for (var i = 0; i < count; i++)
        {
            var due = firstDue + TimeSpan.FromTicks((long)(random.NextDouble() * spread.Ticks));
            rows.Clear();
            FeedRow.AddTo(rows, new AppendRequest
            {
                Grain = new StoredGrain(DeadlineBenchGrain.GrainTypeName, $"g{i % grainCount:D5}"),
                Deadlines = [new DeadlineChange($"sla:{i / grainCount}", due)],
                At = now,
            });
            var row = rows[0];
            await importer.StartRowAsync();
            await importer.WriteAsync(row.Feed, NpgsqlDbType.Text);
            if (row.Tag is null)
            {
                await importer.WriteNullAsync();
            }
            else
            {
                await importer.WriteAsync(row.Tag, NpgsqlDbType.Text);
            }

            await importer.WriteAsync(row.Grain.Type, NpgsqlDbType.Text);
            await importer.WriteAsync(row.Grain.Key, NpgsqlDbType.Text);
            await importer.WriteAsync(row.Shard, NpgsqlDbType.Smallint);
            await importer.WriteAsync(row.Payload.Schema, NpgsqlDbType.Integer);
            await importer.WriteAsync((short)row.Payload.Format, NpgsqlDbType.Smallint);
            await importer.WriteAsync(row.Payload.Bytes, NpgsqlDbType.Bytea);
            await importer.WriteAsync(row.TimerName!, NpgsqlDbType.Text);
            await importer.WriteAsync(row.TimerDue!.Value.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await importer.WriteAsync(row.At.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        await importer.CompleteAsync();
    }
}
