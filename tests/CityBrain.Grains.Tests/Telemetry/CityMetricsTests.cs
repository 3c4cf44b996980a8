using System.Diagnostics.Metrics;
using CityBrain.Contracts;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Grains.Views;
using CityBrain.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Telemetry;

/// <summary>The city's metrics (<c>CityMetrics</c>) count what the journal committed, with the tags DEVELOPERS.md documents.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class CityMetricsTests(DatabaseFixture database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AcceptClock_Breached_CountsOneBreachWithClockGridCommunityDepartmentAndDrill()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        using var metrics = new MetricRecorder(silo.Services.GetRequiredService<IMeterFactory>());

        var id = (await silo.SubmitAsync(Events.Alert("12345", "metrics-breach-1"))).IncidentId;
        var incident = await silo.Incident(id).Get(Who.Admin);
        var received = await metrics.WaitAsync("citybrain.incidents.received", t => Equals(t["channel"], "12345")).WaitAsync(TestSilo.Patience);
        Assert.Equal(("11.01", "false"), (received.Tags["category"], received.Tags["drill"]));
        var ack = await metrics.WaitAsync("citybrain.intake.ack.duration", t => Equals(t["outcome"], "created")).WaitAsync(TestSilo.Patience);
        Assert.True(ack.Value > 0);

        await silo.AdvanceAsync(TimeSpan.FromMinutes(8));    // 80 % of the accept target (10 min): a warning
        await silo.WarnedAsync(id, SlaClockKind.Accept);
        await silo.AdvanceAsync(TimeSpan.FromMinutes(2));    // the target passes: breach and escalation
        await silo.BreachedAsync(id, SlaClockKind.Accept);

        var breach = await metrics.WaitAsync("citybrain.sla.breaches", t => Equals(t["clock"], "accept")).WaitAsync(TestSilo.Patience);
        Assert.Equal(1, breach.Value);
        Assert.Equal(incident.GridId, breach.Tags["grid"]);
        Assert.Equal(incident.CommunityId, breach.Tags["community"]);
        Assert.Equal(("none", "false"), (breach.Tags["department"], breach.Tags["drill"]));
        var escalation = await metrics.WaitAsync("citybrain.escalations", t => Equals(t["clock"], "accept")).WaitAsync(TestSilo.Patience);
        Assert.Equal("breach", escalation.Tags["cause"]);
        var warning = await metrics.WaitAsync("citybrain.sla.warnings", t => Equals(t["clock"], "accept")).WaitAsync(TestSilo.Patience);
        Assert.Equal(incident.GridId, warning.Tags["grid"]);
    }

    [Fact]
    public async Task Accept_AfterSevenMinutes_RecordsTimeToAcceptInSeconds()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        using var metrics = new MetricRecorder(silo.Services.GetRequiredService<IMeterFactory>());
        var id = (await silo.SubmitAsync(Events.Alert("12345", "metrics-accept-1"))).IncidentId;

        await silo.AdvanceAsync(TimeSpan.FromMinutes(7));
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());

        var accepted = await metrics.WaitAsync("citybrain.incident.accept.duration", _ => true).WaitAsync(TestSilo.Patience);
        Assert.Equal(420, accepted.Value);
        Assert.Equal(("11.01", "false"), (accepted.Tags["category"], accepted.Tags["drill"]));
    }

    [Fact]
    public async Task OpenIncidents_CountedByStatusAndLevel_FromTheFeed_AndKeptAcrossAProjectorRestart()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        using var metrics = new MetricRecorder(silo.Services.GetRequiredService<IMeterFactory>());
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await silo.SubmitAsync(Events.Alert("12345", $"metrics-open-{i}"))).IncidentId);
        }

        await silo.ActAsync(ids[0], Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(ids[1], Who.Dispatcher, c => c.Reject = new RejectAction(), "not a city matter");
        await silo.ViewsCaughtUpAsync();
        Assert.Equal(new Dictionary<string, double> { ["reported/0/false"] = 2, ["accepted/0/false"] = 1 }, OpenIncidents(metrics));

        // Ten minutes on, the accept clocks of the reported two and the assign clock of the accepted one have breached:
        // each escalates to level 1, in its status.
        await silo.AdvanceAsync(TimeSpan.FromMinutes(10));
        foreach (var id in ids.Where(id => id != ids[1]))
        {
            await silo.SettledAsync(id, e => e.Escalated is { ToLevel: 1 }, "escalation to level 1");
        }

        await silo.ViewsCaughtUpAsync();
        Assert.Equal(new Dictionary<string, double> { ["reported/1/false"] = 2, ["accepted/1/false"] = 1 }, OpenIncidents(metrics));

        // A projector shard that restarts resumes from its saved counts: nothing counted twice, nothing lost.
        for (var shard = 0; shard < ViewProjectorGrain.Shards; shard++)
        {
            await silo.DeactivateAsync(silo.Grains.GetGrain<IViewProjectorGrain>(shard)).WaitAsync(TestSilo.Patience);
        }

        await silo.ActAsync(ids[2], Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ViewsCaughtUpAsync();
        Assert.Equal(new Dictionary<string, double> { ["reported/1/false"] = 1, ["accepted/1/false"] = 2 }, OpenIncidents(metrics));
    }

    /// <summary>The gauge's values by "status/level/drill".</summary>
    private static Dictionary<string, double> OpenIncidents(MetricRecorder metrics) =>
        metrics.Observe("citybrain.incidents.open").ToDictionary(m => $"{m.Tags["status"]}/{m.Tags["level"]}/{m.Tags["drill"]}", m => m.Value);
}
