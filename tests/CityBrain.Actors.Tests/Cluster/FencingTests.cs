using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CityBrain.Actors.Tests.Cluster;

/// <summary>
/// One silo loses the database: its connections go through a <see cref="TcpProxy"/> that the test pauses (a
/// partition: requests hang, nothing is refused). It must fence itself and never write after its lease lapsed,
/// the others must take its grains over, and once the database is reachable again the cluster converges.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class FencingTests(DatabaseFixture database) : IAsyncLifetime
{
    private readonly InProcessTransport _transport = new();
    private readonly TestProbe _probe = new();
    private readonly List<TestSilo> _silos = [];
    private TcpProxy _proxy = null!;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = await database.NewDatabaseAsync(StorageKind.Postgres);
        var direct = new NpgsqlConnectionStringBuilder(_connection);
        _proxy = new TcpProxy(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(_connection) { Host = "127.0.0.1", Port = _proxy.Port }.ConnectionString;
        _silos.Add(await StartSiloAsync(0, proxied));
        _silos.Add(await StartSiloAsync(1, _connection));
        _silos.Add(await StartSiloAsync(2, _connection));
        foreach (var silo in _silos)
        {
            await silo.WaitForViewAsync(view => view.Count(s => s.Status == SiloStatus.Active) == 3);
        }

        _silos[0].Services.GetRequiredService<Hosting.GrainRuntime>().OnDeclaredDeadAction = () => _probe.Signal("declared-dead:0");
    }

    public async Task DisposeAsync()
    {
        _proxy.Resume();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _proxy.DisposeAsync();
    }

    private static string Address(int index) => $"http://fence-{index}:11111";

    private Task<TestSilo> StartSiloAsync(int index, string connection) =>
        TestSilo.StartAsync(StorageKind.Postgres, connection, TimeProvider.System, _probe, options =>
        {
            options.Cluster.Enabled = true;
            options.Cluster.SiloAddress = Address(index);
            options.Cluster.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
            options.Cluster.LeaseDuration = TimeSpan.FromSeconds(3);
            options.Storage.RetryAfter = TimeSpan.FromMilliseconds(200);
        }, _transport);

    [Fact]
    public async Task SiloCutOffFromDatabase_FencesItself_NeverWritesAfterItsLease_AndTheClusterConverges()
    {
        var isolated = _silos[0];
        var runtime = isolated.Services.GetRequiredService<Hosting.GrainRuntime>();
        var key = Enumerable.Range(0, 1000).Select(i => $"fenced-{i}").First(k => runtime.Membership!.View!.IsOwnedHere(new GrainId("counter", k)));
        Assert.Equal(10, await _silos[1].Grains.GetGrain<ICounterGrain>(key).Add(10)); // lives on the isolated silo
        Assert.True(runtime.Catalog.TryGet(new GrainId("counter", key), out _));

        _proxy.Pause();
        // A write the isolated silo starts now hangs in the partition; it must never land.
        var stranded = isolated.Grains.GetGrain<ICounterGrain>(key).Add(100);

        await _silos[1].WaitForViewAsync(view => view.Count(s => s.Status == SiloStatus.Active) == 2);
        Assert.True(runtime.Membership!.IsFenced, "the isolated silo should have fenced itself before the others declared it dead");
        // Fenced: it serves nothing, not even its own clients (its stuck request is the only one still running).
        await Assert.ThrowsAsync<SiloUnavailableException>(() => isolated.Grains.GetGrain<ICounterGrain>(key).Get());

        // The survivors own the grain now and continue from what was durable.
        Assert.Equal(11, await _silos[2].Grains.GetGrain<ICounterGrain>(key).Add(1));

        _proxy.Resume();
        await Assert.ThrowsAnyAsync<Exception>(() => stranded);
        await _probe.WaitAsync("declared-dead:0");
        Assert.Equal(12, await _silos[1].Grains.GetGrain<ICounterGrain>(key).Add(1));
        await using var db = new NpgsqlConnection(_connection);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT version FROM grain_state WHERE grain_type = 'counter' AND grain_key = @k", db);
        read.Parameters.AddWithValue("k", key);
        Assert.Equal(3L, await read.ExecuteScalarAsync()); // 10, +1, +1: the stranded +100 never committed
    }
}
