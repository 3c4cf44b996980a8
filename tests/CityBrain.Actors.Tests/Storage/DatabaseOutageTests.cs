using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Actors.Tests.Storage;

/// <summary>Stops and restarts a PostgreSQL server of its own (never the shared one).</summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _clock = new();
    private PostgresServer _server = null!;

    public async Task InitializeAsync() => _server = await PostgresServer.StartPrivateAsync(fsync: false);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task DatabaseStoppedAndRestarted_CallsFailFastThenRecoverByThemselves()
    {
        var connection = await _server.CreateDatabaseAsync("outage");
        await using var silo = await TestSilo.StartAsync(StorageKind.Postgres, connection, _clock);
        var counter = silo.Grains.GetGrain<ICounterGrain>("outage");
        await counter.Add(1);

        await _server.StopAsync();
        var down = await Assert.ThrowsAsync<StorageUnavailableException>(() => counter.Add(1));
        Assert.Contains("PostgreSQL 127.0.0.1", down.Message);

        // While the circuit is open, storage calls fail at once without touching the network.
        var fast = await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Grains.GetGrain<ICounterGrain>("other").Add(1));
        Assert.Contains("failing fast", fast.Message);

        await _server.StartAsync();
        _clock.Advance(TimeSpan.FromSeconds(3));

        // The failed write deactivated the activation; the next call reloads from the database, which kept only
        // what was acknowledged.
        Assert.Equal(2, await counter.Add(1));
        Assert.Equal(1, await silo.Grains.GetGrain<ICounterGrain>("other").Add(1));
    }
}
