using CityBrain.Contracts;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Incidents;

/// <summary>The incident grain on a real runtime and database, driven by a manual clock.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class IncidentGrainTests(DatabaseFixture database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    private async Task<TestSilo> StartAsync(DatabaseKind kind = DatabaseKind.Sqlite) =>
        await TestSilo.StartAsync(kind, await database.NewDatabaseAsync(kind), _clock);

    [Fact]
    public async Task CloseWhoseJournalReadFails_LeavesTheIncidentAsStored_AndARetryClosesItWithItsClosingReply()
    {
        var connectionString = await database.NewDatabaseAsync(DatabaseKind.Sqlite);
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, connectionString, _clock, o => o.Replies["12345"] = "hotline-12345");
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-close"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });
        await silo.ActAsync(id, Who.Department("sanitation"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        await silo.ActAsync(id, Who.Department("sanitation"), c => c.Handle = new HandleAction { Result = "cleaned" });
        await silo.ActAsync(id, Who.Worker("g001"), c => c.Verify = new VerifyAction { Passed = true });

        // The closing reply reads the handling from the journal; that read fails now (as reads failed when PostgreSQL
        // refused connections after a silo kill in the outbox-kill benchmark). The grain is active: it loads nothing more.
        await RenameJournalAsync(connectionString, "grain_journal", "grain_journal_away");
        await Assert.ThrowsAnyAsync<Exception>(() => silo.ActAsync(id, Who.Dispatcher, c => c.Close = new CloseAction()));
        await RenameJournalAsync(connectionString, "grain_journal_away", "grain_journal");

        Assert.Equal(IncidentStatus.Verified, (await silo.Incident(id).Get(Who.Dispatcher)).Status);
        Assert.Equal(6, await silo.JournalLengthAsync(id));
        var closed = await silo.ActAsync(id, Who.Dispatcher, c => c.Close = new CloseAction());
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        var reply = await silo.Services.GetRequiredService<CityBrain.Storage.Journal.JournalStore>().ReadOutboxAsync($"{id}/7", CancellationToken.None);
        Assert.NotNull(reply);
        Assert.Contains("\"closing_reply\"", reply.Payload, StringComparison.Ordinal);
        Assert.Contains("cleaned", reply.Payload, StringComparison.Ordinal);
    }

    private static async Task RenameJournalAsync(string connectionString, string from, string to)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"ALTER TABLE {from} RENAME TO {to}";
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task StepRefusedByAnActivationBehindItsJournal_IsRetryable_AndTheNextActivationTakesIt()
    {
        await using var silo = await StartAsync();
        var a = (await silo.SubmitAsync(Events.Alert("12345", "t-stale-a"))).IncidentId;
        var b = (await silo.SubmitAsync(Events.Alert("12345", "t-stale-b"))).IncidentId;
        await silo.ActAsync(a, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(b, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(b, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });
        var assigned = (await silo.Incident(b).GetJournal(new JournalQuery { Actor = Who.Viewer })).Entries[^1].Event;

        // A step the incident is not ready for is refused as before.
        var early = await Assert.ThrowsAnyAsync<CityBrainException>(() => silo.ActAsync(a, Who.Dispatcher, c => c.ConfirmArrival = new ConfirmArrivalAction { DepartmentId = "sanitation" }));
        Assert.Equal(ErrorKind.FailedPrecondition, early.Kind);

        // Another activation of a appends its assignment (as one may for a moment after a silo dies); this one does not know.
        var store = silo.Services.GetRequiredService<CityBrain.Storage.Journal.JournalStore>();
        Assert.True(await store.CommitAsync(new CityBrain.Storage.Internal.AppendRequest
        {
            Grain = CityBrain.Storage.Journal.JournalFacet<Incident, IncidentEvent>.StoredGrainOf(silo.Incident(a).GetGrainId()),
            ExpectedVersion = 2,
            Events = [(assigned.At.ToDateTimeOffset(), CityBrain.Storage.Internal.PayloadCodec<IncidentEvent>.Encode(assigned))],
            At = _clock.GetUtcNow(),
        }));

        var stale = await Assert.ThrowsAsync<JournalConflictException>(() => silo.ActAsync(a, Who.Dispatcher, c => c.ConfirmArrival = new ConfirmArrivalAction { DepartmentId = "sanitation" }));
        Assert.Contains("was appended to by another activation after position 2", stale.Message);
        var arrived = await silo.ActAsync(a, Who.Dispatcher, c => c.ConfirmArrival = new ConfirmArrivalAction { DepartmentId = "sanitation" });
        Assert.Equal(IncidentStatus.OnSite, arrived.Status);
        Assert.Equal(4, await silo.JournalLengthAsync(a));
    }

    [Fact]
    public async Task Lifecycle_ThroughGrains_JournalRecordsWhoWhenAndWhy()
    {
        await using var silo = await StartAsync();
        var ack = await silo.SubmitAsync(Events.Alert("12345", "t-1"));
        var id = ack.IncidentId;

        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction(), "valid report");
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });
        Assert.Contains((await silo.AssignmentsAsync("sanitation")).Open, n => n.IncidentId == id);
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
        Assert.Empty((await silo.AssignmentsAsync("sanitation")).Open);
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
    public async Task Execute_RefusedThroughTheClient_CallerGetsTheRefusalWithItsProperties()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-7"))).IncidentId;

        var illegal = await Assert.ThrowsAsync<IllegalTransitionException>(() => silo.ActAsync(id, Who.Dispatcher, c => c.Close = new CloseAction()));
        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.ActAsync(id, Who.Department("police"), c => c.Accept = new AcceptAction()));
        var invalid = await Assert.ThrowsAsync<ValidationException>(() => silo.ActAsync(id, Who.Dispatcher, c => c.Reject = new RejectAction()));
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => silo.ActAsync("inc-nothing", Who.Dispatcher, c => c.Accept = new AcceptAction()));

        Assert.Equal((id, IncidentStatus.Reported, "close", ErrorKind.FailedPrecondition), (illegal.IncidentId, illegal.Current, illegal.Action, illegal.Kind));
        Assert.Contains("allowed when verified", illegal.Message, StringComparison.Ordinal);
        Assert.Equal(("dept-police", Role.Department, ErrorKind.PermissionDenied), (denied.UserId, denied.Role, denied.Kind));
        Assert.NotEmpty(denied.Action);
        Assert.Equal("reason", Assert.Single(invalid.Errors).Path);
        Assert.Equal(("incident", "inc-nothing", ErrorKind.NotFound), (missing.What, missing.Id, missing.Kind));
    }

    [Fact]
    public async Task Execute_InProcessCaller_ArgumentsAndResultsAreCopies()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-8"))).IncidentId;
        var incident = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IIncidentGrain>(id); // as the gateway calls it
        var command = new IncidentCommand { Actor = Who.Dispatcher, Accept = new AcceptAction() };

        var accepted = await incident.Execute(command);
        accepted.Status = IncidentStatus.Closed;
        accepted.Clocks.Clear();
        (await incident.Get(Who.Admin)).GridId = "tampered";

        Assert.Equal(string.Empty, command.IncidentId); // the grain names itself on its own copy
        var stored = await incident.Get(Who.Admin);
        Assert.Equal((IncidentStatus.Accepted, "g001"), (stored.Status, stored.GridId));
        Assert.NotEmpty(stored.Clocks);
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

        await silo.AdvanceAsync(TimeSpan.FromMinutes(8));
        await silo.WarnedAsync(id, SlaClockKind.Accept);
        var warned = Assert.Single((await silo.BoardAsync<IGridGrain>("g001")).Entries);
        Assert.False(warned.Breached);

        await silo.AdvanceAsync(TimeSpan.FromMinutes(2));
        await silo.EscalatedAsync(id, toLevel: 1, clockEscalations: 1);
        var escalated = await silo.Incident(id).Get(Who.Admin);
        Assert.Equal(1, escalated.EscalationLevel);
        Assert.True(Assert.Single((await silo.BoardAsync<ICommunityGrain>("c01")).Entries).Breached);
        Assert.Empty((await silo.BoardAsync<IStreetGrain>("st-01")).Entries);

        await silo.AdvanceAsync(TimeSpan.FromMinutes(10));
        await silo.EscalatedAsync(id, toLevel: 2, clockEscalations: 2);
        Assert.Equal(2, Assert.Single((await silo.BoardAsync<IStreetGrain>("st-01")).Entries).EscalationLevel);

        await silo.AdvanceAsync(TimeSpan.FromMinutes(10));
        await silo.EscalatedAsync(id, toLevel: 2, clockEscalations: 3);
        Assert.Equal(2, Assert.Single((await silo.BoardAsync<IStreetGrain>("st-01")).Entries).Times);

        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        Assert.Empty((await silo.BoardAsync<IGridGrain>("g001")).Entries);
        Assert.Empty((await silo.BoardAsync<ICommunityGrain>("c01")).Entries);
        Assert.Empty((await silo.BoardAsync<IStreetGrain>("st-01")).Entries);
        var journal = await silo.Incident(id).GetJournal(new JournalQuery { Actor = Who.Admin });
        Assert.Equal(["Reported", "SlaWarned", "SlaBreached", "Escalated", "Escalated", "Escalated", "Accepted"], journal.Entries.Select(e => e.Event.KindCase.ToString()));
        Assert.Equal("sla-engine", journal.Entries[2].Event.Actor.UserId);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Sla_DeadlineDueWhileDown_FiresLateAfterRestart(DatabaseKind kind)
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

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Restart_PendingDeadlinesAndViews_FireOnTimeAndStayOnTheNewSilo(DatabaseKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        string waiting, assigned;
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            waiting = (await silo.SubmitAsync(Events.Alert("12345", "r-1"))).IncidentId;
            assigned = (await silo.SubmitAsync(Events.Alert("12345", "r-2"))).IncidentId;
            await silo.ActAsync(assigned, Who.Dispatcher, c => c.Accept = new AcceptAction());
            await silo.ActAsync(assigned, Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "sanitation" });
            Assert.Equal(2, await silo.DeadlinesCaughtUpAsync());
            Assert.Single((await silo.AssignmentsAsync("sanitation")).Open);
        }

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        Assert.Equal(2, await restarted.DeadlinesCaughtUpAsync());
        Assert.Equal([assigned], (await restarted.AssignmentsAsync("sanitation")).Open.Select(a => a.IncidentId));

        await restarted.AdvanceAsync(TimeSpan.FromMinutes(8)); // the accept warning of the waiting one
        await restarted.WarnedAsync(waiting, SlaClockKind.Accept);
        Assert.Equal(waiting, Assert.Single((await restarted.BoardAsync<IGridGrain>("g001")).Entries).IncidentId);
        await restarted.AdvanceAsync(TimeSpan.FromMinutes(8)); // 16: the on-site warning of the assigned one (80 % of 20 min), the other's breach
        await restarted.WarnedAsync(assigned, SlaClockKind.OnSite, "sanitation");
        await restarted.EscalatedAsync(waiting, toLevel: 1, clockEscalations: 1);
        var posted = (await restarted.BoardAsync<IGridGrain>("g001")).Entries.Select(e => e.IncidentId);
        Assert.Equal(new[] { assigned, waiting }.Order(StringComparer.Ordinal), posted.Order(StringComparer.Ordinal));
        Assert.Equal(waiting, Assert.Single((await restarted.BoardAsync<ICommunityGrain>("c01")).Entries).IncidentId);
        Assert.Equal((2, 1), (restarted.Deliveries.Handled(waiting), restarted.Deliveries.Handled(assigned))); // once per due time
    }

    [Fact]
    public async Task Sla_SuspendedIncident_NoBreachWhilePaused_ThenDueShiftsByThePause()
    {
        await using var silo = await StartAsync();
        var id = (await silo.SubmitAsync(Events.Alert("12345", "t-6"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.Suspend = new SuspendAction(), "waiting for the reporter");
        Assert.Equal(0, await silo.DeadlinesCaughtUpAsync()); // nothing can fire while paused

        await silo.AdvanceAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(3, await silo.JournalLengthAsync(id));

        await silo.ActAsync(id, Who.Dispatcher, c => c.Resume = new ResumeAction());
        await silo.AdvanceAsync(TimeSpan.FromMinutes(4)); // assign warning at 80 % of 5 min of running time
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
        Assert.Single((await silo.AssignmentsAsync("police")).Open);

        await silo.AdvanceAsync(TimeSpan.FromMinutes(6));
        await silo.ActAsync(id, Who.Department("fire"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        await silo.AdvanceAsync(TimeSpan.FromMinutes(6)); // 12 min: 80 % of 15
        await silo.WarnedAsync(id, SlaClockKind.OnSite, "police");
        await silo.AdvanceAsync(TimeSpan.FromMinutes(3));
        await silo.BreachedAsync(id, SlaClockKind.OnSite, "police");

        var incident = await silo.Incident(id).Get(Who.Admin);
        var onSite = incident.Clocks.Where(c => c.Kind == SlaClockKind.OnSite).ToDictionary(c => c.DepartmentId);
        Assert.True(onSite["fire"].Met);
        Assert.Equal(SlaClockState.Running, onSite["police"].State);
        Assert.NotNull(onSite["police"].BreachedAt);
        Assert.DoesNotContain(silo.Observer.EventsOf(id), e => e.SlaBreached?.DepartmentId == "fire");
        var posted = Assert.Single((await silo.BoardAsync<ICommunityGrain>("c01")).Entries);
        Assert.Equal("police", posted.DepartmentId);

        await silo.ActAsync(id, Who.Department("police"), c => c.ConfirmArrival = new ConfirmArrivalAction());
        Assert.Empty((await silo.BoardAsync<ICommunityGrain>("c01")).Entries);
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

            // Each asks the other to absorb it. Were AbsorbDuplicate not to interleave and refuse at once, the two turns
            // would wait on each other until the response timeout (2 minutes on this silo): the guard below fails first.
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

    [Fact]
    public async Task AbsorbDuplicate_WhileItselfBeingMarkedADuplicate_RefusesAtOnce()
    {
        await using var silo = await StartAsync();
        var a = (await silo.SubmitAsync(Events.Alert("12345", "y-a"))).IncidentId;
        var b = (await silo.SubmitAsync(Events.Alert("12345", "y-b"))).IncidentId;
        var c = (await silo.SubmitAsync(Events.Alert("12345", "y-c"))).IncidentId;
        var consent = silo.Gates.Close(nameof(IIncidentGrain.AbsorbDuplicate), c);
        var marking = silo.ActAsync(a, Who.Dispatcher, x => x.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = c });
        await consent.Reached.WaitAsync(TestSilo.Patience); // a's turn now waits for c's consent

        // Asked to absorb b meanwhile, a answers at once, though its own turn is still running.
        var refused = await Assert.ThrowsAsync<IllegalTransitionException>(() =>
            silo.ActAsync(b, Who.Dispatcher, x => x.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = a }).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal((a, IncidentStatus.Reported, "absorb a duplicate"), (refused.IncidentId, refused.Current, refused.Action));
        Assert.Contains($"being marked a duplicate of {c}", refused.Message, StringComparison.Ordinal);
        Assert.False(marking.IsCompleted);

        consent.Open();
        var duplicate = await marking;
        Assert.Equal((IncidentStatus.Duplicate, c), (duplicate.Status, duplicate.DuplicateOf));
        Assert.Equal([a], (await silo.Incident(c).Get(Who.Admin)).Duplicates);
        Assert.Empty((await silo.Incident(a).Get(Who.Admin)).Duplicates);
        Assert.Equal(IncidentStatus.Reported, (await silo.Incident(b).Get(Who.Admin)).Status);
        Assert.Equal(1, await silo.JournalLengthAsync(b));
    }
}
