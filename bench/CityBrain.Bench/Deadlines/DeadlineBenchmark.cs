using System.Diagnostics;
using CityBrain.Actors;
using CityBrain.Actors.Hosting;
using CityBrain.Bench.Support;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace CityBrain.Bench.Deadlines;

/// <summary>
/// One million pending deadlines (10,000 grains x 100 names) stored in PostgreSQL, loaded by a starting silo
/// into its timer heap, then fired at their due times (spread over 30 s) and handled by their grains.
/// Ends with: deadlines pending=1000000 bytes_per_deadline=N fire_lag_p99_ms=N
/// </summary>
internal static class DeadlineBenchmark
{
    private const int Deadlines = 1_000_000;
    private const int GrainCount = 10_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var lead = TimeSpan.FromSeconds(args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30);
        var spread = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30);
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await server.CreateDatabaseAsync("bench_deadlines");
        var log = new FireLog(Deadlines);

        // Create the schema with a first start, then store the deadlines directly.
        using (var migrate = await StartAsync(connection, log))
        {
            await migrate.StopAsync();
        }

        var firstDue = DateTimeOffset.UtcNow + lead;
        BenchHost.Progress($"storing {Deadlines:N0} deadlines due from {firstDue:HH:mm:ss} over {spread.TotalSeconds} s");
        await StoreAsync(connection, firstDue, spread);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var loadStart = Stopwatch.GetTimestamp();
        using var host = await StartAsync(connection, log);
        var pending = host.Services.GetRequiredService<GrainRuntime>().Timers.Count;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var bytesPerDeadline = (after - before) / (double)pending;
        BenchHost.Progress($"silo started and loaded {pending:N0} deadlines in {Stopwatch.GetElapsedTime(loadStart).TotalSeconds:F1} s: {bytesPerDeadline:F0} bytes each");
        if (DateTimeOffset.UtcNow > firstDue)
        {
            BenchHost.Progress("warning: loading took longer than the lead time; lags include load time (raise the lead)");
        }

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
        BenchHost.Progress($"all fired: lag p50 {log.PercentileMilliseconds(50):F0} ms, p99 {p99:F0} ms, max {log.PercentileMilliseconds(100):F0} ms");
        await host.StopAsync();

        Console.WriteLine(FormattableString.Invariant($"deadlines pending={pending} bytes_per_deadline={bytesPerDeadline:F0} fire_lag_p99_ms={p99:F0}"));
        return 0;
    }

    private static async Task<IHost> StartAsync(string connection, FireLog log)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(log);
        builder.Services.AddActors().AddGrains(typeof(DeadlineBenchmark).Assembly).UsePostgres(connection);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task StoreAsync(string connectionString, DateTimeOffset firstDue, TimeSpan spread)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY grain_timer (grain_type, grain_key, name, due_at, period_ms, grain_hash) FROM STDIN (FORMAT BINARY)");
        var random = new Random(7);
        for (var i = 0; i < Deadlines; i++)
        {
            var grain = new GrainId("deadlinebench", $"g{i % GrainCount:D5}");
            var due = firstDue + TimeSpan.FromTicks((long)(random.NextDouble() * spread.Ticks));
            due = new DateTimeOffset(due.UtcTicks - (due.UtcTicks % 10), TimeSpan.Zero);
            await importer.StartRowAsync();
            await importer.WriteAsync(grain.Type, NpgsqlDbType.Text);
            await importer.WriteAsync(grain.Key, NpgsqlDbType.Text);
            await importer.WriteAsync($"sla:{i / GrainCount}", NpgsqlDbType.Text);
            await importer.WriteAsync(due, NpgsqlDbType.TimestampTz);
            await importer.WriteNullAsync();
            await importer.WriteAsync((long)grain.StableHash(), NpgsqlDbType.Bigint);
        }

        await importer.CompleteAsync();
    }
}
