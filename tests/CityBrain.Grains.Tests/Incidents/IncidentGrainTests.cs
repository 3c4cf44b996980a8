using CityBrain.Contracts;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Grains.Tests.Incidents;

/// <summary>The incident grain on a real runtime and database, driven by a manual clock.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class IncidentGrainTests(DatabaseFixture database)
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    private async Task<TestSilo> StartAsync(StorageKind kind = StorageKind.Sqlite) =>
        await TestSilo.StartAsync(kind, await database.NewDatabaseAsync(kind), _clock);

    [Fact]
    public async Task Lifecycle_ThroughGrains_JournalRecordsWhoWhenAndWhy()
    {
        await using var silo = await StartAsync();
        var ack = await silo.SubmitAsync(Events.Alert("12345", "t-1"));
        var id = ack.IncidentId;

        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction(), "valid report");
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });
        Assert.Contains((await silo.Grains.GetGrain<IDepartmentGrain>("sanitation").GetAssignments()).Open, n => n.IncidentId == id);
        await silo.ActAsync(id, Who.Department("sanitation"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        await silo.ActAsync(id, Who.Department("sanitation"), c => c.Handle = new HandleAction { Result = "cleaned" });
        await silo.ActAsync(id, Who.Worker("g001"), c => c.Verify = new VerifyAction { Passed = true });
        var closed = await silo.ActAsync(id, Who.Dispatcher, c => c.Close = new CloseAction());

        Assert.Equal(IncidentStatus.Closed, closed.Status);
        var journal = await silo.Incident(id).GetJournal(new JournalQuery { Actor = Who.Viewer });
        Assert.Equal(["Reported", "Accepted", "Assigned", "ArrivalConfirmed", "Handled", "Verified", "Closed"], journal.Entries.Select(e => e.Event.KindCase.ToString()));
        Assert.Equal(["feed-12345", "dispatcher-1", "dispatcher-1", "dept-sanitation", "dept-sanitation", "worker-g001", "dispatcher-1"], journal.Entries.Select(e => e.Event.Actor.UserId));
        Assert.Equal("valid report", journal.Entries[1].Event.Reason);
        Assert.All(journal.Entries, e => Assert.Equal(_clock.GetUtcNow(), e.Event.At.ToDateTimeOffset()));
        Assert.Empty((await silo.Grains.GetGrain<IDepartmentGrain>("sanitation").GetAssignments()).Open);
    }

    [Fact]
    public async Task Execute_RefusedTransition_ChangesNothingDurably()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-2"))).IncidentId;
        var before = await silo.Incident(id).Get(Who.Admin);

        await Assert.ThrowsAsync<IllegalTransitionException>(() => silo.ActAsync(id, Who.Dispatcher, c => c.Close = new CloseAction()));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.ActAsync(id, Who.Department("police"), c => c.Accept = new AcceptAction()));
        await Assert.ThrowsAsync<ValidationException>(() => silo.ActAsync(id, Who.Dispatcher, c => c.Reject = new RejectAction()));
        await Assert.ThrowsAsync<ValidationException>(() => silo.Incident(id).Execute(new IncidentCommand { IncidentId = "inc-other", Actor = Who.Dispatcher, Accept = new AcceptAction() }));
        await Assert.ThrowsAsync<NotFoundException>(() => silo.ActAsync("inc-nothing", Who.Dispatcher, c => c.Accept = new AcceptAction()));

        Assert.Equal(before, await silo.Incident(id).Get(Who.Admin));
        Assert.Equal(1, await silo.JournalLengthAsync(id));
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        Assert.Equal(2, await silo.JournalLengthAsync(id));
    }

    [Fact]
    public async Task Report_InvalidRequestStraightToTheGrain_RefusedAndNothingStored()
    {
        await using var silo = await StartAsync();
        var e = Events.Alert("12345", "direct-1");
        var id = IncidentIds.For("12345", "direct-1");
        e.Location.Latitude = -91;

        await Assert.ThrowsAsync<ValidationException>(() => silo.Incident(id).Report(new ReportRequest { Actor = Who.Feed("12345"), Event = e }));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Incident(id).Report(new ReportRequest { Event = Events.Alert("12345", "direct-1") }));
        await Assert.ThrowsAsync<ValidationException>(() => silo.Incident("inc-wrongkey").Report(new ReportRequest { Actor = Who.Feed("12345"), Event = Events.Alert("12345", "direct-1") }));

        await Assert.ThrowsAsync<NotFoundException>(() => silo.Incident(id).Get(Who.Admin));
        await Assert.ThrowsAsync<NotFoundException>(() => silo.Incident("inc-wrongkey").Get(Who.Admin));
        Assert.Equal(IntakeOutcome.Created, (await silo.Incident(id).Report(new ReportRequest { Actor = Who.Feed("12345"), Event = Events.Alert("12345", "direct-1") })).Outcome);
    }

    [Fact]
    public async Task Get_DepartmentSeesOnlyItsOwnAssignments()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-3"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });

        Assert.Equal(id, (await silo.Incident(id).Get(Who.Department("sanitation"))).Id);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Incident(id).Get(Who.Department("police")));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.ActAsync(id, Who.Department("police"), c => c.ConfirmArrival = new ConfirmArrivalAction { DepartmentId = "sanitation" }));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Incident(id).Get(Who.CommunityDispatcher("c09")));
    }

    [Fact]
    public async Task Sla_UnansweredReport_WarnsGridThenEscalatesToCommunityThenStreet_AndAcceptClearsTheBoards()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-4"))).IncidentId;
        var grid = silo.Grains.GetGrain<IGridGrain>("g001");
        var community = silo.Grains.GetGrain<ICommunityGrain>("c01");
        var street = silo.Grains.GetGrain<IStreetGrain>("st-01");

        _clock.Advance(TimeSpan.FromMinutes(8));
        await silo.WarnedAsync(id, SlaClockKind.Accept);
        await silo.Incident(id).Get(Who.Admin); // queued behind the deadline's turn, which posts to the boards
        var warned = Assert.Single((await grid.GetBoard()).Entries);
        Assert.False(warned.Breached);

        _clock.Advance(TimeSpan.FromMinutes(2));
        await silo.EscalatedAsync(id, toLevel: 1, clockEscalations: 1);
        var escalated = await silo.Incident(id).Get(Who.Admin);
        Assert.Equal(1, escalated.EscalationLevel);
        Assert.True(Assert.Single((await community.GetBoard()).Entries).Breached);
        Assert.Empty((await street.GetBoard()).Entries);

        _clock.Advance(TimeSpan.FromMinutes(10));
        await silo.EscalatedAsync(id, toLevel: 2, clockEscalations: 2);
        await silo.Incident(id).Get(Who.Admin);
        Assert.Equal(2, Assert.Single((await street.GetBoard()).Entries).EscalationLevel);

        _clock.Advance(TimeSpan.FromMinutes(10));
        await silo.EscalatedAsync(id, toLevel: 2, clockEscalations: 3);
        await silo.Incident(id).Get(Who.Admin);
        Assert.Equal(2, Assert.Single((await street.GetBoard()).Entries).Times);

        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        Assert.Empty((await grid.GetBoard()).Entries);
        Assert.Empty((await community.GetBoard()).Entries);
        Assert.Empty((await street.GetBoard()).Entries);
        var journal = await silo.Incident(id).GetJournal(new JournalQuery { Actor = Who.Admin });
        Assert.Equal(["Reported", "SlaWarned", "SlaBreached", "Escalated", "Escalated", "Escalated", "Accepted"], journal.Entries.Select(e => e.Event.KindCase.ToString()));
        Assert.Equal("sla-engine", journal.Entries[2].Event.Actor.UserId);
    }

    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.Postgres)]
    public async Task Sla_DeadlineDueWhileDown_FiresLateAfterRestart(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        string id;
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            id = (await silo.SubmitAsync(Events.Alert("12345", "t-5"))).IncidentId;
        }

        _clock.Advance(TimeSpan.FromMinutes(25)); // the center is down through the warning and the breach

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        await restarted.BreachedAsync(id, SlaClockKind.Accept);
        var incident = await restarted.Incident(id).Get(Who.Admin);
        Assert.Equal(1, incident.EscalationLevel);
        var clock = incident.Clocks.Single(c => c.Kind == SlaClockKind.Accept);
        Assert.Equal(2, clock.Escalations); // 25 min: the breach at 10 and the repeat at 20, caught up at once
        Assert.Empty(clock.WarnedPermille);
        Assert.Equal(_clock.GetUtcNow(), clock.BreachedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task Sla_SuspendedIncident_NoBreachWhilePaused_ThenDueShiftsByThePause()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-6"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.Suspend = new SuspendAction(), "waiting for the reporter");

        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(3, await silo.JournalLengthAsync(id));

        await silo.ActAsync(id, Who.Dispatcher, c => c.Resume = new ResumeAction());
        _clock.Advance(TimeSpan.FromMinutes(4)); // assign warning at 80 % of 5 min of running time
        await silo.WarnedAsync(id, SlaClockKind.Assign);
        var assign = (await silo.Incident(id).Get(Who.Admin)).Clocks.Single(c => c.Kind == SlaClockKind.Assign);
        Assert.Equal(30 * 60_000, assign.PausedMs);
    }

    [Fact]
    public async Task Linkage_TwoDepartmentsOneLate_OnlyTheLateOneBreaches()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("110", "fire-1", "99.01"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.DispatchLinkage = new DispatchLinkageAction { DepartmentIds = { "fire", "police" } });
        Assert.Single((await silo.Grains.GetGrain<IDepartmentGrain>("police").GetAssignments()).Open);

        _clock.Advance(TimeSpan.FromMinutes(6));
        await silo.ActAsync(id, Who.Department("fire"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        _clock.Advance(TimeSpan.FromMinutes(6)); // 12 min: 80 % of 15
        await silo.WarnedAsync(id, SlaClockKind.OnSite, "police");
        _clock.Advance(TimeSpan.FromMinutes(3));
        await silo.BreachedAsync(id, SlaClockKind.OnSite, "police");

        var incident = await silo.Incident(id).Get(Who.Admin);
        var onSite = incident.Clocks.Where(c => c.Kind == SlaClockKind.OnSite).ToDictionary(c => c.DepartmentId);
        Assert.True(onSite["fire"].Met);
        Assert.Equal(SlaClockState.Running, onSite["police"].State);
        Assert.NotNull(onSite["police"].BreachedAt);
        Assert.DoesNotContain(silo.Observer.EventsOf(id), e => e.SlaBreached?.DepartmentId == "fire");
        var posted = Assert.Single((await silo.Grains.GetGrain<ICommunityGrain>("c01").GetBoard()).Entries);
        Assert.Equal("police", posted.DepartmentId);

        await silo.ActAsync(id, Who.Department("police"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        Assert.Empty((await silo.Grains.GetGrain<ICommunityGrain>("c01").GetBoard()).Entries);
    }

    [Fact]
    public async Task MarkDuplicate_BothIncidentsRecordIt_AndAFinishedOriginalRefuses()
    {
        await using var silo = await StartAsync();
        var original = (await silo.SubmitAsync(Events.Alert("12345", "d-1"))).IncidentId;
        var copy = (await silo.SubmitAsync(Events.Alert("12345", "d-2"))).IncidentId;
        var third = (await silo.SubmitAsync(Events.Alert("12345", "d-3"))).IncidentId;

        await silo.ActAsync(copy, Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = original });

        Assert.Equal(IncidentStatus.Duplicate, (await silo.Incident(copy).Get(Who.Admin)).Status);
        Assert.Equal([copy], (await silo.Incident(original).Get(Who.Admin)).Duplicates);
        await Assert.ThrowsAsync<IllegalTransitionException>(() => silo.ActAsync(third, Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = copy }));
        Assert.Equal(IncidentStatus.Reported, (await silo.Incident(third).Get(Who.Admin)).Status);
    }

    [Fact]
    public async Task MarkDuplicate_TwoIncidentsOfEachOtherAtOnce_NeitherWaitsAndNoCycleIsRecorded()
    {
        await using var silo = await StartAsync();
        for (var round = 0; round < 20; round++)
        {
            var a = (await silo.SubmitAsync(Events.Alert("12345", $"x-{round}-a"))).IncidentId;
            var b = (await silo.SubmitAsync(Events.Alert("12345", $"x-{round}-b"))).IncidentId;

            // Each asks the other to absorb it. Without a refusal on arrival the two turns wait on each other until
            // the response timeout (hours on this silo): the guard below fails the test instead.
            var outcomes = await Task.WhenAll(
                Outcome(silo.ActAsync(a, Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = b })),
                Outcome(silo.ActAsync(b, Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = a })))
                .WaitAsync(TimeSpan.FromSeconds(30));

            Assert.All(outcomes, o => Assert.True(o is null or IllegalTransitionException, $"unexpected {o}"));
            Assert.Contains(outcomes, o => o is IllegalTransitionException);
            var first = await silo.Incident(a).Get(Who.Admin);
            var second = await silo.Incident(b).Get(Who.Admin);
            Assert.False(first.Status == IncidentStatus.Duplicate && second.Status == IncidentStatus.Duplicate, "a duplicate cycle");
            Assert.Equal(outcomes[0] is null, first.Status == IncidentStatus.Duplicate);
            Assert.Equal(outcomes[1] is null, second.Status == IncidentStatus.Duplicate);
            Assert.Equal(outcomes[1] is null ? [b] : [], first.Duplicates);
            Assert.Equal(outcomes[0] is null ? [a] : [], second.Duplicates);
        }

        static async Task<Exception?> Outcome(Task call)
        {
            try
            {
                await call;
                return null;
            }
            catch (Exception exception)
            {
                return exception;
            }
        }
    }
}
