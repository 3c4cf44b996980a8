using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Actors.Tests.Activation;

[Collection(DatabaseCollection.Name)]
public sealed class ActivationTests(DatabaseFixture database)
{
    private readonly ManualTimeProvider _clock = new();

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task IdleActivation_IsCollected_AndReactivatesWithItsState(StorageKind kind)
    {
        await using var silo = await TestSilo.StartAsync(kind, await database.NewDatabaseAsync(kind), _clock);
        var idle = silo.Grains.GetGrain<ICounterGrain>("idle");
        var busy = silo.Grains.GetGrain<ICounterGrain>("busy");
        await idle.Add(41);
        await busy.Add(1);

        for (var minute = 0; minute < 16; minute++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            await busy.Get(); // keeps "busy" in use
        }

        await silo.Probe.WaitAsync("deactivated:idle");
        Assert.Contains("deactivate:idle:Idle", silo.Probe.Events);
        Assert.DoesNotContain(silo.Probe.Events, e => e.StartsWith("deactivate:busy", StringComparison.Ordinal));

        Assert.Equal(42, await idle.Add(1));
        Assert.Equal(2, silo.Probe.Events.Count(e => e.StartsWith("activate:idle", StringComparison.Ordinal)));
        Assert.Contains("activate:idle:41", silo.Probe.Events);
    }

    [Fact]
    public async Task DeactivateOnIdle_QueuedCallsGoToTheNextActivation()
    {
        await using var silo = await TestSilo.StartAsync(StorageKind.Sqlite, await database.NewDatabaseAsync(StorageKind.Sqlite), _clock);
        var counter = silo.Grains.GetGrain<ICounterGrain>("handover");
        await counter.Add(1);

        var deactivate = counter.Deactivate();
        var afterwards = Enumerable.Range(0, 20).Select(_ => counter.Add(1)).ToList();
        await deactivate;
        var results = await Task.WhenAll(afterwards);

        Assert.Equal(Enumerable.Range(2, 20).Select(i => (long)i), results.Order());
        Assert.Contains("deactivate:handover:Requested", silo.Probe.Events);
        Assert.Equal(21, await counter.Get());
    }

    [Fact]
    public async Task Shutdown_DeactivatesEveryActivation()
    {
        var silo = await TestSilo.StartAsync(StorageKind.Sqlite, await database.NewDatabaseAsync(StorageKind.Sqlite), _clock);
        for (var i = 0; i < 10; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>($"s{i}").Add(1);
        }

        var probe = silo.Probe;
        await silo.StopAsync();

        Assert.Equal(10, probe.Events.Count(e => e.EndsWith(":Shutdown", StringComparison.Ordinal)));
    }
}
