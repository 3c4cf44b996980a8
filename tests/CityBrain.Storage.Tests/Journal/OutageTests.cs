using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Storage.Tests.Journal;

/// <summary>A PostgreSQL server of its own, stopped and started under the silo.</summary>
public sealed class OutageTests
{
    [Fact]
    public async Task Confirm_DatabaseStopped_FailsFastNamingIt_ThenRecoversByItself()
    {
        await using var server = await PostgresServer.StartPrivateAsync(fsync: false);
        var connection = await server.CreateDatabaseAsync("outage");
        await DatabaseSchema.MigrateAsync(DatabaseKind.Postgres, connection);
        await using var silo = await StorageCluster.StartAsync(DatabaseKind.Postgres, connection);
        var grain = silo.Grains.GetGrain<ITallyGrain>("o");
        await grain.Add([1]);

        await server.StopAsync();
        var first = await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.Add([2]));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var second = await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Grains.GetGrain<ITallyGrain>("o2").Add([2]));
        var failFast = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        Assert.Contains("PostgreSQL 127.0.0.1", first.Message);
        Assert.Contains("unavailable", second.Message);
        Assert.True(failFast < TimeSpan.FromSeconds(4), $"the second call took {failFast} while the circuit was open");

        await server.StartAsync();
        var recovered = await RetryAsync(() => grain.Add([3]));

        Assert.Equal(2, recovered); // the refused event was not written; the grain reloaded its journal
        Assert.Equal(new Tally { Total = 4, Count = 2 }, await grain.Get());
    }

    /// <summary>Retries while the store still fails fast (its circuit reopens to one try per second).</summary>
    private static async Task<long> RetryAsync(Func<Task<long>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (StorageUnavailableException) when (attempt < 60)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
