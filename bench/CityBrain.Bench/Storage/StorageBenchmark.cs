using System.Diagnostics;
using System.Text.Json;
using CityBrain.Actors;
using CityBrain.Bench.Support;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace CityBrain.Bench.Storage;

/// <summary>
/// 1,000 grains writing small states concurrently to PostgreSQL (synchronous_commit on) for 10 s, against a
/// binary COPY of rows of the same shape in the same run.
/// Ends with: storage writes_per_s=N copy_rows_per_s=N ratio=R p99_ms=N
/// </summary>
internal static class StorageBenchmark
{
    private const int Writers = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await server.CreateDatabaseAsync("bench_storage");
        BenchHost.Progress($"PostgreSQL: {await SettingAsync(connection, "server_version")}, synchronous_commit={await SettingAsync(connection, "synchronous_commit")}, fsync={await SettingAsync(connection, "fsync")}");

        using var host = await BenchHost.StartAsync(StorageProvider.Postgres, connection);
        var factory = host.Services.GetRequiredService<IGrainFactory>();
        var grains = Enumerable.Range(0, Writers).Select(i => factory.GetGrain<IWriterGrain>($"w{i:D4}")).ToArray();
        BenchHost.Progress("warming up");
        await Task.WhenAll(grains.Select(g => g.Write(0).AsTask()));

        BenchHost.Progress($"{Writers} grains writing for {seconds} s");
        var recorders = Enumerable.Range(0, Writers).Select(_ => new LatencyRecorder(256)).ToArray();
        var counts = new long[Writers];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(seconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            long writes = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                var t0 = Stopwatch.GetTimestamp();
                await grains[w].Write((int)writes);
                recorders[w].Add(Stopwatch.GetTimestamp() - t0);
                writes++;
            }

            counts[w] = writes;
        })));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var writesPerSecond = counts.Sum() / elapsed;
        var p99 = LatencyRecorder.Percentile(recorders, 99) * 1000.0 / Stopwatch.Frequency;
        BenchHost.Progress($"  {writesPerSecond:N0} durable writes/s, p99 {p99:F1} ms");
        await host.StopAsync();

        BenchHost.Progress("baseline: binary COPY of rows of the same shape");
        var copyRate = await CopyRowsPerSecondAsync(connection, 500_000);
        BenchHost.Progress($"  {copyRate:N0} rows/s");

        Console.WriteLine(FormattableString.Invariant(
            $"storage writes_per_s={writesPerSecond:F0} copy_rows_per_s={copyRate:F0} ratio={writesPerSecond / copyRate:F3} p99_ms={p99:F1}"));
        return 0;
    }

    private static async Task<double> CopyRowsPerSecondAsync(string connectionString, int rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE bench_copy (LIKE grain_state INCLUDING ALL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(new WriterState { Value = 12345, Tag = "grid-017/incident-42/accepted" });
        var now = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY bench_copy (grain_type, grain_key, version, schema_version, format, payload, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync("writer", NpgsqlDbType.Text);
                await importer.WriteAsync($"w{i:D7}", NpgsqlDbType.Text);
                await importer.WriteAsync(1L, NpgsqlDbType.Bigint);
                await importer.WriteAsync(1, NpgsqlDbType.Integer);
                await importer.WriteAsync((short)2, NpgsqlDbType.Smallint);
                await importer.WriteAsync(payload, NpgsqlDbType.Bytea);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }

            await importer.CompleteAsync();
        }

        return rows / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<string> SettingAsync(string connectionString, string name)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SHOW {name}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
