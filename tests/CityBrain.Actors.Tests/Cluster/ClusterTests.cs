using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Actors.Tests.Cluster;

/// <summary>
/// Three silos in one process on one PostgreSQL database, talking through <see cref="InProcessTransport"/>.
/// Membership runs on real time (leases are judged by the database clock), with short intervals; tests wait on
/// view-change signals, not on sleeps.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class ClusterTests(DatabaseFixture database) : IAsyncLifetime
{
    private readonly InProcessTransport _transport = new();
    private readonly TestProbe _probe = new();
    private readonly List<TestSilo> _silos = [];
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _connection = await database.NewDatabaseAsync(StorageKind.Postgres);
        for (var i = 0; i < 3; i++)
        {
            _silos.Add(await StartSiloAsync(i));
        }

        foreach (var silo in _silos)
        {
            await silo.WaitForViewAsync(view => view.Count(s => s.Status == SiloStatus.Active) == 3);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }

    private static string Address(int index) => $"http://silo-{index}:11111";

    private Task<TestSilo> StartSiloAsync(int index) =>
        TestSilo.StartAsync(StorageKind.Postgres, _connection, TimeProvider.System, _probe, options =>
        {
            options.Cluster.Enabled = true;
            options.Cluster.SiloAddress = Address(index);
            options.Cluster.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
            options.Cluster.LeaseDuration = TimeSpan.FromSeconds(3);
        }, _transport);

    [Fact]
    public async Task Grains_CalledThroughAnySilo_LiveOnceOnTheirOwner()
    {
        const int Grains = 60;
        for (var round = 0; round < 3; round++)
        {
            var through = _silos[round].Grains;
            var values = await Task.WhenAll(Enumerable.Range(0, Grains).Select(g => through.GetGrain<ICounterGrain>($"spread-{g}").Add(1)));
            Assert.All(values, value => Assert.Equal(round + 1, value));
        }

        Assert.Equal(Grains, _silos.Sum(s => s.ActivationCount));
        Assert.All(_silos, silo => Assert.InRange(silo.ActivationCount, 5, Grains - 5));
    }

    [Fact]
    public async Task SiloCrash_ItsGrainsAndDeadlinesCarryOnOnTheSurvivors()
    {
        var counters = Enumerable.Range(0, 30).Select(g => $"crash-{g}").ToList();
        foreach (var key in counters)
        {
            await _silos[0].Grains.GetGrain<ICounterGrain>(key).Add(5);
        }

        var victimOwned = counters.Where(key => _silos[2].Services.GetRequiredService<Hosting.GrainRuntime>().Catalog.TryGet(new GrainId("counter", key), out _)).ToList();
        Assert.NotEmpty(victimOwned);
        var due = DateTimeOffset.UtcNow.AddSeconds(2);
        var timerKeys = Enumerable.Range(0, 20).Select(i => $"tcrash-{i}").ToList();
        foreach (var key in timerKeys)
        {
            await _silos[0].Grains.GetGrain<ITimerGrain>(key).ArmDeadline("sla", due);
        }

        await _silos[2].CrashAsync(_transport, Address(2));
        await _silos[0].WaitForViewAsync(view => view.Count(s => s.Status == SiloStatus.Active) == 2);

        foreach (var key in counters)
        {
            Assert.Equal(6, await _silos[1].Grains.GetGrain<ICounterGrain>(key).Add(1));
        }

        foreach (var key in timerKeys)
        {
            await _probe.WaitAsync($"fired:{key}:sla:{due:HH:mm:ss}");
        }
    }

    [Fact]
    public async Task GracefulLeave_UnderLoad_NoCallFails()
    {
        using var stop = new CancellationTokenSource();
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pastLeave = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = long.MaxValue;
        var failures = new List<Exception>();
        long calls = 0;
        var load = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await _silos[0].Grains.GetGrain<ICounterGrain>($"leave-{i++ % 50}").Add(1);
                    var done = Interlocked.Increment(ref calls);
                    if (done == 100)
                    {
                        warmedUp.TrySetResult();
                    }

                    if (done >= Interlocked.Read(ref target))
                    {
                        pastLeave.TrySetResult();
                    }
                }
                catch (Exception exception)
                {
                    lock (failures)
                    {
                        failures.Add(exception);
                    }
                }
            }
        });

        await warmedUp.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var leavingRuntime = _silos[1].Services.GetRequiredService<Hosting.GrainRuntime>();
        Assert.True(leavingRuntime.Catalog.Count > 0);
        await _silos[1].StopAsync();
        await _silos[0].WaitForViewAsync(view => view.Count(s => s.Status == SiloStatus.Active) == 2);
        Interlocked.Exchange(ref target, Interlocked.Read(ref calls) + 200);
        await pastLeave.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await load;

        Assert.Empty(failures);
        Assert.Equal(0, leavingRuntime.Catalog.Count);
    }
}
