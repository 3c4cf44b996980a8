using CityBrain.Actors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Bench.Support;

/// <summary>Hosts the actor runtime the way the silo does, for benchmarks.</summary>
internal static class BenchHost
{
    public static async Task<IHost> StartAsync(StorageProvider provider, string connectionString, Action<ActorRuntimeOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var actors = builder.Services.AddActors(configure).AddGrains(typeof(BenchHost).Assembly);
        if (provider == StorageProvider.Postgres)
        {
            actors.UsePostgres(connectionString);
        }
        else
        {
            actors.UseSqlite(connectionString);
        }

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A SQLite database in the temporary folder, deleted (with its journal files) when disposed.</summary>
    public static TempSqliteDatabase TempSqlite() => new(Path.Combine(Path.GetTempPath(), "citybrain-bench-" + Guid.NewGuid().ToString("N")[..8] + ".db"));

    public static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

/// <summary>A benchmark's temporary SQLite file.</summary>
internal sealed class TempSqliteDatabase(string path) : IDisposable
{
    public string ConnectionString { get; } = $"Data Source={path}";

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
