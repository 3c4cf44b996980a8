using CityBrain.Contracts;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Drills;

/// <summary>Listing, stopping and cancelling drills: the list (newest first, paged, bounded), a stop that holds across a
/// restart, a cancel that retracts the drill's open incidents, and the refusals.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class DrillStopTests(DatabaseFixture database)
{
    private const string DrillId = "flood-linkage-2026-11";
    private static readonly string Scenario = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "drills", "flood-linkage.yaml"));
    private static readonly string Fire = IncidentIds.For("drill:" + DrillId, "fire-1");
    private static readonly string Water = IncidentIds.For("drill:" + DrillId, "waterlogging-1");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Stop_AfterTheFirstEvent_InjectsNothingMore_EvenWhenItsDeadlineFiresAfterARestart(DatabaseKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            await silo.Drills.StartAsync(new StartDrillRequest { Actor = Who.Dispatcher, ScenarioText = Scenario });
            await silo.AdvanceAsync(TimeSpan.Zero);
            await silo.SettledAsync(Fire, e => e.Reported is not null, "injection");
            Assert.Equal(2, await silo.DeadlinesCaughtUpAsync()); // the fire's accept clock and the drill's next injection

            var stopped = await silo.Drills.StopAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher, Reason = "指挥部叫停" });

            Assert.Equal((DrillState.Stopped, 1, 2), (stopped.State, stopped.EventsInjected, stopped.EventsTotal));
            Assert.Equal(("dispatcher-1", "dispatcher-1", "指挥部叫停"), (stopped.StartedBy, stopped.StoppedBy, stopped.StopReason));
            Assert.Equal(_clock.GetUtcNow(), stopped.StoppedAt.ToDateTimeOffset());
            Assert.Equal(1, await silo.DeadlinesCaughtUpAsync()); // the injection's deadline is disarmed
        }

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);

        // Play the crash window between the stop's state write and its disarming: the injection's deadline fires anyway.
        var writer = restarted.Services.GetRequiredService<DeadlineWriter>();
        await writer.SetAsync(GrainId.Create("drill", DrillId), "inject", _clock.GetUtcNow());
        await restarted.AdvanceAsync(TimeSpan.FromMinutes(2)); // past the second event's offset
        await restarted.Deliveries.WaitAsync(DrillId, 1, TestSilo.Patience);

        await Assert.ThrowsAsync<NotFoundException>(() => restarted.Incident(Water).Get(Who.Admin));
        var report = await restarted.Drills.ReportAsync(DrillId);
        Assert.Equal((DrillState.Stopped, 1), (report.Status.State, report.Status.EventsInjected));
        Assert.Equal([Fire], report.Results.Select(r => r.IncidentId).Distinct());
        Assert.Equal(IncidentStatus.Reported, (await restarted.Incident(Fire).Get(Who.Admin)).Status); // a stop leaves it open
        var listed = Assert.Single((await restarted.Drills.ListAsync(0, "")).Drills);
        Assert.Equal((DrillId, DrillState.Stopped, "汛期城市内涝应急联动演练"), (listed.DrillId, listed.State, listed.Name));
        Assert.Empty(listed.IncidentIds);
    }

    /// <summary>Dispatchers act only within their jurisdiction: the scenario's fire lands in community c01 (grid g001), its
    /// waterlogging in c03 (g012). A c03 dispatcher may not start, stop or cancel the drill, and each refusal leaves
    /// everything as it was; a dispatcher of both communities starts it, the street's dispatcher cancels it.</summary>
    [Fact]
    public async Task LimitedJurisdiction_StartsStopsAndCancelsOnlyDrillsWhollyInside_AndARefusalChangesNothing()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        var c03 = Who.CommunityDispatcher("c03");
        const string Outside = "events[0] ('fire-1') lands in grid 'g001', community 'c01', street 'st-01', outside the caller's jurisdiction";

        var start = await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Drills.StartAsync(new StartDrillRequest { Actor = c03, ScenarioText = Scenario }));
        Assert.Equal($"dispatcher-c03 (Dispatcher) may not start a drill: {Outside}.", start.Message);
        Assert.Equal(DrillState.Unspecified, (await silo.Drills.StatusAsync(DrillId)).State);
        Assert.Empty((await silo.Drills.ListAsync(0, "")).Drills);
        Assert.Equal(0, await silo.DeadlinesCaughtUpAsync());

        var both = new Actor { UserId = "dispatcher-c01-c03", Role = Role.Dispatcher, Jurisdiction = { "c01", "c03" } };
        await silo.Drills.StartAsync(new StartDrillRequest { Actor = both, ScenarioText = Scenario });
        await silo.AdvanceAsync(TimeSpan.Zero);
        await silo.SettledAsync(Fire, e => e.Reported is not null, "injection");

        var stop = await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Drills.StopAsync(DrillId, new StopDrillRequest { Actor = c03 }));
        Assert.Equal($"dispatcher-c03 (Dispatcher) may not stop a drill: {Outside}.", stop.Message);
        var cancel = await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Drills.CancelAsync(DrillId, new StopDrillRequest { Actor = c03 }));
        Assert.Equal($"dispatcher-c03 (Dispatcher) may not cancel a drill: {Outside}.", cancel.Message);
        var running = await silo.Drills.StatusAsync(DrillId);
        Assert.Equal((DrillState.Running, 1, 0, ""), (running.State, running.EventsInjected, running.IncidentsClosed, running.StoppedBy));
        Assert.Equal(IncidentStatus.Reported, (await silo.Incident(Fire).Get(Who.Admin)).Status);
        Assert.Equal(2, await silo.DeadlinesCaughtUpAsync()); // the fire's accept clock and the drill's next injection

        var cancelled = await silo.Drills.CancelAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher });
        Assert.Equal((DrillState.Cancelled, 1), (cancelled.State, cancelled.IncidentsClosed));
        Assert.Equal(IncidentStatus.Retracted, (await silo.Incident(Fire).Get(Who.Admin)).Status);
    }

    [Fact]
    public async Task Stop_NotRunningUnknownOrNotACenterRole_RefusedSayingWhy()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        await Assert.ThrowsAsync<NotFoundException>(() => silo.Drills.StopAsync("no-such-drill", new StopDrillRequest { Actor = Who.Dispatcher }));
        await Assert.ThrowsAsync<NotFoundException>(() => silo.Drills.CancelAsync("no-such-drill", new StopDrillRequest { Actor = Who.Dispatcher }));
        await silo.Drills.StartAsync(new StartDrillRequest { Actor = Who.Dispatcher, ScenarioText = Scenario });

        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Drills.StopAsync(DrillId, new StopDrillRequest { Actor = Who.Viewer }));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Drills.CancelAsync(DrillId, new StopDrillRequest { Actor = Who.Department("fire") }));
        var tooLong = await Assert.ThrowsAsync<ValidationException>(() => silo.Drills.StopAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher, Reason = new string('x', 1001) }));
        Assert.Equal("reason", Assert.Single(tooLong.Errors).Path);

        await silo.AdvanceAsync(TimeSpan.Zero);
        await silo.SettledAsync(Fire, e => e.Reported is not null, "injection");
        await silo.AdvanceAsync(TimeSpan.FromMinutes(1));
        await silo.SettledAsync(Water, e => e.Reported is not null, "injection");
        Assert.Equal(DrillState.Injected, (await silo.Drills.StatusAsync(DrillId)).State);

        var injected = await Assert.ThrowsAsync<IllegalTransitionException>(() => silo.Drills.StopAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher }));
        Assert.Equal($"Drill '{DrillId}' has injected all 2 of its events: nothing is left to stop (cancel it to close its incidents).", injected.Message);
        Assert.Equal(DrillState.Injected, (await silo.Drills.StatusAsync(DrillId)).State); // a refusal changes nothing
    }

    [Fact]
    public async Task Cancel_Running_RetractsItsOpenIncidentsWithTheReason_TheyLeaveQueuesAndBoards_InjectsNoMore()
    {
        await using var silo = await StartedWithTheFirstEventInjectedAsync();
        await silo.ActAsync(Fire, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(Fire, Who.Dispatcher, c => c.DispatchLinkage = new DispatchLinkageAction());
        Assert.Contains((await silo.AssignmentsAsync("police")).Open, a => a.IncidentId == Fire);

        var cancelled = await silo.Drills.CancelAsync(DrillId, new StopDrillRequest { Actor = Who.Admin, Reason = "演练提前结束" });

        Assert.Equal((DrillState.Cancelled, 1, 1), (cancelled.State, cancelled.EventsInjected, cancelled.IncidentsClosed));
        Assert.Equal(("admin", "演练提前结束"), (cancelled.StoppedBy, cancelled.StopReason));
        var fire = await silo.Incident(Fire).Get(Who.Admin);
        Assert.Equal(IncidentStatus.Retracted, fire.Status);
        var last = (await silo.Incident(Fire).GetJournal(new JournalQuery { Actor = Who.Admin })).Entries[^1].Event;
        Assert.Equal(("admin", $"drill '{DrillId}' cancelled: 演练提前结束"), (last.Actor.UserId, last.Reason));
        Assert.DoesNotContain((await silo.AssignmentsAsync("police")).Open, a => a.IncidentId == Fire);
        Assert.DoesNotContain((await silo.AssignmentsAsync("fire")).Open, a => a.IncidentId == Fire);
        Assert.Equal(0, await silo.DeadlinesCaughtUpAsync()); // no injection, no close retry, no clock left

        // Past the second event's offset: nothing is due, so nothing comes. Cancelling again closes what is open (nothing).
        await silo.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await silo.DeadlinesCaughtUpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => silo.Incident(Water).Get(Who.Admin));
        var again = await silo.Drills.CancelAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher });
        Assert.Equal((DrillState.Cancelled, 1), (again.State, again.IncidentsClosed));
        var stop = await Assert.ThrowsAsync<IllegalTransitionException>(() => silo.Drills.StopAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher }));
        Assert.Contains("was cancelled", stop.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_AfterAStop_ClosesTheIncidentsTheStopLeftOpen()
    {
        await using var silo = await StartedWithTheFirstEventInjectedAsync();
        await silo.Drills.StopAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher });
        await silo.AdvanceAsync(TimeSpan.FromSeconds(150)); // the fire's accept warning (80 % of 3 min) posts it on its grid's board
        await silo.WarnedAsync(Fire, SlaClockKind.Accept);
        var grid = (await silo.Incident(Fire).Get(Who.Admin)).GridId;
        Assert.Contains((await silo.BoardAsync<IGridGrain>(grid)).Entries, e => e.IncidentId == Fire);

        var cancelled = await silo.Drills.CancelAsync(DrillId, new StopDrillRequest { Actor = Who.Dispatcher });

        Assert.Equal((DrillState.Cancelled, 1), (cancelled.State, cancelled.IncidentsClosed));
        Assert.Equal(IncidentStatus.Retracted, (await silo.Incident(Fire).Get(Who.Admin)).Status);
        Assert.DoesNotContain((await silo.BoardAsync<IGridGrain>(grid)).Entries, e => e.IncidentId == Fire);
        var last = (await silo.Incident(Fire).GetJournal(new JournalQuery { Actor = Who.Admin })).Entries[^1].Event;
        Assert.Equal($"drill '{DrillId}' cancelled", last.Reason);
    }

    [Fact]
    public async Task List_NewestFirst_Paged_LeavesOutIdsOfNoDrill()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        foreach (var n in new[] { 1, 2, 3 })
        {
            await silo.Drills.StartAsync(new StartDrillRequest { Actor = Who.Dispatcher, ScenarioText = Scenario.Replace(DrillId, $"list-{n}", StringComparison.Ordinal) });
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await silo.Drills.ListAsync(2, "");
        var second = await silo.Drills.ListAsync(2, first.NextPageToken);

        Assert.Equal(["list-3", "list-2"], first.Drills.Select(d => d.DrillId));
        Assert.Equal(["list-1"], second.Drills.Select(d => d.DrillId));
        Assert.Equal("", second.NextPageToken);
        Assert.All(first.Drills, d => Assert.Equal((DrillState.Running, "dispatcher-1", 2), (d.State, d.StartedBy, d.EventsTotal)));
        Assert.Equal("page_token", Assert.Single((await Assert.ThrowsAsync<ValidationException>(() => silo.Drills.ListAsync(2, "x"))).Errors).Path);

        // An id listed by a start that failed before the drill was stored reads as no drill: left out of the rows.
        await silo.Grains.GetGrain<IDrillIndexGrain>(0).Add("never-stored");
        Assert.Equal(["list-3", "list-2", "list-1"], (await silo.Drills.ListAsync(10, "")).Drills.Select(d => d.DrillId));
    }

    /// <summary>A silo on a new SQLite database whose drill has injected its first event (the fire), not the second.</summary>
    private async Task<TestSilo> StartedWithTheFirstEventInjectedAsync()
    {
        var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);
        await silo.Drills.StartAsync(new StartDrillRequest { Actor = Who.Dispatcher, ScenarioText = Scenario });
        await silo.AdvanceAsync(TimeSpan.Zero);
        await silo.SettledAsync(Fire, e => e.Reported is not null, "injection");
        return silo;
    }

    [Fact]
    public void IndexState_PastItsCapacity_KeepsTheNewest_PagesNewestFirst_AddsAnIdOnce()
    {
        var index = new DrillIndexState();
        for (var n = 1; n <= 503; n++)
        {
            index = index.With($"d{n}", DrillIndexGrain.Capacity)!;
        }

        var ids = new List<string>();
        var page = index.Page(0, 100);
        ids.AddRange(page.DrillIds);
        while (page.Next > 0)
        {
            page = index.Page(page.Next, 100);
            ids.AddRange(page.DrillIds);
        }

        Assert.Equal(Enumerable.Range(4, 500).Reverse().Select(n => $"d{n}"), ids);
        Assert.Null(index.With("d300", DrillIndexGrain.Capacity));
        var newest = index.Page(0, 2);
        Assert.Equal(["d503", "d502"], newest.DrillIds);
        Assert.Equal(502, newest.Next);
        var oldest = index.Page(5, 2);
        Assert.Equal(["d4"], oldest.DrillIds);
        Assert.Equal(0, oldest.Next);
    }
}
