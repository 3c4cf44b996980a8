using CityBrain.Contracts;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Storage;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Drills;

[Collection(DatabaseCollection.Name)]
public sealed class DrillTests(DatabaseFixture database)
{
    private static readonly string Scenario = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "drills", "flood-linkage.yaml"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Parse_ShippedScenario_HasTimedEvents()
    {
        var scenario = DrillScenario.Parse(Scenario);

        Assert.Equal("flood-linkage-2026-11", scenario.Id);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(1)], scenario.Events.Select(e => e.Offset));
        Assert.All(scenario.Events, e => Assert.Equal("drill:flood-linkage-2026-11", e.Event.Source));
    }

    [Theory]
    [InlineData("at: 1m", "at: soon", "events[1].at")]
    [InlineData("id: waterlogging-1", "id: fire-1", "events[1].id")]
    [InlineData("drill: { id: flood-linkage-2026-11,", "drill: { id: 'bad id',", "drill.id")]
    [InlineData("    location: { grid: g012, address: 清波街口 }\n", "", "events[1].location")]
    [InlineData("severity: high", "severity: apocalyptic", "events[0].severity")]
    public void Parse_BadScenario_NamesThePath(string from, string to, string path)
    {
        var refused = Assert.Throws<ValidationException>(() => DrillScenario.Parse(Scenario.Replace(from, to, StringComparison.Ordinal)));

        Assert.Contains(refused.Errors, e => e.Path == path);
    }

    [Fact]
    public async Task Drill_InjectsExerciseIncidents_ReportsEachDepartment_AndStaysOutOfStatistics()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        var real = await silo.SubmitAsync(Events.Alert("12345", "real-1"));
        await silo.ActAsync(real.IncidentId, Who.Dispatcher, c => c.Accept = new AcceptAction());

        var status = await silo.Drills.StartAsync(new StartDrillRequest { Actor = Who.Dispatcher, ScenarioText = Scenario });
        Assert.Equal((DrillState.Running, 2, 0), (status.State, status.EventsTotal, status.EventsInjected));
        var fire = Grains.Incidents.IncidentIds.For("drill:flood-linkage-2026-11", "fire-1");
        var water = Grains.Incidents.IncidentIds.For("drill:flood-linkage-2026-11", "waterlogging-1");

        await silo.AdvanceAsync(TimeSpan.Zero);
        await silo.SettledAsync(fire, e => e.Reported is not null, "injection");
        Assert.Equal(1, (await silo.Drills.StatusAsync("flood-linkage-2026-11")).EventsInjected); // the injecting turn has ended
        await silo.AdvanceAsync(TimeSpan.FromMinutes(1));
        await silo.SettledAsync(water, e => e.Reported is not null, "injection");
        Assert.Equal(2, (await silo.Drills.StatusAsync("flood-linkage-2026-11")).EventsInjected);
        var injected = await silo.Incident(fire).Get(Who.Admin);
        Assert.True(injected.Exercise);
        Assert.Equal("flood-linkage-2026-11", injected.DrillId);

        await silo.AdvanceAsync(TimeSpan.FromMinutes(1)); // 2 min: the center accepts the fire
        await silo.ActAsync(fire, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.AdvanceAsync(TimeSpan.FromMinutes(1)); // 3 min: linkage dispatch of fire, police, emergency
        await silo.ActAsync(fire, Who.Dispatcher, c => c.DispatchLinkage = new DispatchLinkageAction());
        await silo.AdvanceAsync(TimeSpan.FromMinutes(2)); // 5 min: the fire brigade is on site
        await silo.ActAsync(fire, Who.Department("fire"), c => c.ConfirmArrival = new ConfirmArrivalAction());

        var early = await silo.Drills.ReportAsync("flood-linkage-2026-11");
        Assert.Equal(DrillState.Injected, early.Status.State);
        var fireRow = early.Results.Single(r => r.DepartmentId == "fire");
        Assert.Equal((120_000L, 60_000L, 120_000L), (fireRow.AcceptMs, fireRow.AssignMs, fireRow.ArriveMs));
        Assert.Equal((180_000L, 120_000L, 900_000L), (fireRow.AcceptTargetMs, fireRow.AssignTargetMs, fireRow.ArriveTargetMs));
        Assert.True(fireRow.AcceptMet && fireRow.AssignMet && fireRow.ArriveMet);
        Assert.Equal(SlaOutcome.Met, fireRow.ArriveOutcome);
        var policeRow = early.Results.Single(r => r.DepartmentId == "police");
        Assert.Equal((-1L, SlaOutcome.Unspecified), (policeRow.ArriveMs, policeRow.ArriveOutcome)); // still within its target
        Assert.Equal((1, 0), (early.DepartmentsOnTime, early.DepartmentsLate));
        Assert.Equal(4, early.Results.Count); // fire, police, emergency, and the not yet dispatched ordinary event

        // The ordinary event waits unanswered; police and emergency never arrive.
        await silo.AdvanceAsync(TimeSpan.FromMinutes(4)); // 9: 80 % of the 10-minute accept target of the event injected at 1
        await silo.WarnedAsync(water, SlaClockKind.Accept);
        await silo.AdvanceAsync(TimeSpan.FromMinutes(2)); // 11: its breach
        await silo.BreachedAsync(water, SlaClockKind.Accept);
        await silo.AdvanceAsync(TimeSpan.FromMinutes(4)); // 15: 80 % of the 15-minute on-site target from 3
        await silo.WarnedAsync(fire, SlaClockKind.OnSite, "emergency");
        await silo.AdvanceAsync(TimeSpan.FromMinutes(3)); // 18: on-site breaches
        await silo.BreachedAsync(fire, SlaClockKind.OnSite, "police");
        await silo.BreachedAsync(fire, SlaClockKind.OnSite, "emergency");

        var late = await silo.Drills.ReportAsync("flood-linkage-2026-11");
        Assert.Equal((1, 3), (late.DepartmentsOnTime, late.DepartmentsLate));
        var policeLate = late.Results.Single(r => r.DepartmentId == "police");
        Assert.Equal((false, SlaOutcome.Breached), (policeLate.ArriveMet, policeLate.ArriveOutcome));
        Assert.Equal(0, late.DepartmentsReturned);
        Assert.False(late.Results.Single(r => r.IncidentId == water).AcceptMet);

        var day = await silo.Evaluation.ComputeAsync(Who.Viewer, new EvaluationQuery { Period = EvaluationPeriod.Day, Date = "2026-11-21" });
        Assert.Equal(1, day.Total.Incidents); // the real incident only
        Assert.DoesNotContain(day.Rows, r => r.Id is "fire" or "police" or "emergency");
    }

    [Fact]
    public async Task Start_ScenarioInvalidForTheCity_StartsNothing()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        var broken = Scenario.Replace("category: \"99.01\"", "category: \"77.01\"", StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<ValidationException>(() => silo.Drills.StartAsync(new StartDrillRequest { Actor = Who.Dispatcher, ScenarioText = broken }));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Drills.StartAsync(new StartDrillRequest { Actor = Who.Department("fire"), ScenarioText = Scenario }));

        Assert.Contains(refused.Errors, e => e.Path == "events[0].category");
        Assert.Equal(DrillState.Unspecified, (await silo.Drills.StatusAsync("flood-linkage-2026-11")).State);
    }
}
