using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Lifecycle;

/// <summary>The Dispatch service over the real server: the whole lifecycle as the roles that do each step, illegal
/// transitions refused with FAILED_PRECONDITION, and the grains' finer checks (jurisdiction, own assignments, own
/// source) answered with PERMISSION_DENIED — each refusal leaving the journal as it was.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DispatchTests(GatewayServer server)
{
    private readonly ApiClients _dispatcher = server.For(Who.Dispatcher());

    [Fact]
    public async Task Lifecycle_EachStepByItsRole_ReachesClosedAndJournalsWhoDidWhat()
    {
        var source = Events.Source("life");
        var feed = server.For(Who.Feed(source));
        var sanitation = server.For(Who.Department("sanitation"));
        var worker = server.For(Who.Worker("g001"));
        var id = (await feed.Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source) })).IncidentId;

        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await _dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "sanitation" });
        await sanitation.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id });
        await sanitation.Dispatch.HandleAsync(new HandleRequest { IncidentId = id, Result = "cleared" });
        await worker.Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true });
        var closed = await _dispatcher.Dispatch.CloseAsync(new IncidentAction { IncidentId = id });
        var reopened = await feed.Dispatch.ReopenAsync(new IncidentAction { IncidentId = id, Reason = "still there" });

        Assert.Equal(IncidentStatus.Closed, closed.Status);
        Assert.Equal(IncidentStatus.Accepted, reopened.Status);
        var journal = (await server.For(Who.Admin).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id })).Journal;
        Assert.Equal(
            [Role.Feed, Role.Dispatcher, Role.Dispatcher, Role.Department, Role.Department, Role.Worker, Role.Dispatcher, Role.Feed],
            journal.Entries.Select(e => e.Event.Actor.Role));
        Assert.Equal("still there", journal.Entries[^1].Event.Reason);
    }

    [Fact]
    public async Task EmergencyLinkage_SeveralDepartmentsEachConfirmTheirOwn()
    {
        var id = await NewIncidentAsync(category: "99.01");
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });

        var assigned = await _dispatcher.Dispatch.DispatchLinkageAsync(new DispatchLinkageRequest { IncidentId = id });
        await server.For(Who.Department("fire")).Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id });
        var after = await _dispatcher.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id, DepartmentId = "police" });

        Assert.Equal(["fire", "police", "emergency"], assigned.Assignments.Select(a => a.DepartmentId));
        Assert.Equal(2, after.Assignments.Count(a => a.Status == AssignmentStatus.OnSite));
    }

    [Theory]
    [InlineData("close")]
    [InlineData("verify")]
    [InlineData("resume")]
    [InlineData("reopen")]
    public async Task IllegalTransition_FailedPreconditionAndNothingWritten(string action)
    {
        var id = await NewIncidentAsync();
        var tail = await server.FeedTailAsync();

        var error = await Expect.StatusAsync(StatusCode.FailedPrecondition, () => action switch
        {
            "close" => _dispatcher.Dispatch.CloseAsync(new IncidentAction { IncidentId = id }),
            "verify" => _dispatcher.Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true }),
            "resume" => _dispatcher.Dispatch.ResumeAsync(new IncidentAction { IncidentId = id }),
            _ => _dispatcher.Dispatch.ReopenAsync(new IncidentAction { IncidentId = id, Reason = "again" }),
        });

        Assert.Contains("reported", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
        Assert.Equal(1, (await server.For(Who.Admin).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true })).Incident.Version);
    }

    [Fact]
    public async Task Reject_WithoutReason_InvalidArgumentNamingTheField()
    {
        var id = await NewIncidentAsync();

        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () => _dispatcher.Dispatch.RejectAsync(new IncidentAction { IncidentId = id }));

        Assert.Contains("reason", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("inc-UPPERCASEISNOTBASE32")]
    [InlineData("inc-aaaaaaaaaaaaaaaaaaaaa")]
    public async Task Accept_MalformedIncidentId_InvalidArgumentNamingTheField(string incidentId)
    {
        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () => _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = incidentId }));

        Assert.StartsWith("incident_id: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_UnknownIncident_NotFound()
    {
        await Expect.StatusAsync(StatusCode.NotFound, () => _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = "inc-aaaaaaaaaaaaaaaaaaaa" }));
    }

    [Fact]
    public async Task Dispatcher_OutsideItsJurisdiction_PermissionDeniedInsideAllowed()
    {
        var inside = await NewIncidentAsync(grid: "g001");
        var outside = await NewIncidentAsync(grid: "g050");
        var c01 = server.For(Who.Dispatcher("c01"));
        var tail = await server.FeedTailAsync();

        var error = await Expect.StatusAsync(StatusCode.PermissionDenied, () => c01.Dispatch.AcceptAsync(new IncidentAction { IncidentId = outside }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => c01.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = outside }));
        Assert.Equal(tail, await server.FeedTailAsync());
        Assert.Contains("jurisdiction", error.Status.Detail, StringComparison.Ordinal);

        var accepted = await c01.Dispatch.AcceptAsync(new IncidentAction { IncidentId = inside });
        Assert.Equal(IncidentStatus.Accepted, accepted.Status);
    }

    [Fact]
    public async Task Department_OnlyItsOwnAssignments()
    {
        var id = await NewIncidentAsync();
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await _dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "sanitation" });
        var police = server.For(Who.Department("police"));
        var tail = await server.FeedTailAsync();

        await Expect.StatusAsync(StatusCode.PermissionDenied, () => police.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => police.Dispatch.HandleAsync(new HandleRequest { IncidentId = id, DepartmentId = "sanitation" }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => police.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => police.Query.ListAssignmentsAsync(new ListAssignmentsRequest { DepartmentId = "sanitation" }));
        Assert.Equal(tail, await server.FeedTailAsync());

        var sanitation = server.For(Who.Department("sanitation"));
        var returned = await sanitation.Dispatch.ReturnAssignmentAsync(new DepartmentAction { IncidentId = id, Reason = "not ours: a private yard" });
        Assert.Equal(IncidentStatus.Accepted, returned.Status);
    }

    [Fact]
    public async Task Worker_VerifiesOnlyInItsGrids()
    {
        var id = await HandledIncidentAsync("g001");

        await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Worker("g002")).Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true }));
        var verified = await server.For(Who.Worker("g001")).Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = false, Reason = "rubbish still there" });

        Assert.Equal(IncidentStatus.OnSite, verified.Status);
        Assert.Equal(1, verified.ReworkCount);
    }

    [Fact]
    public async Task Feed_ReopensOnlyItsOwnSourcesIncidents()
    {
        var id = await HandledIncidentAsync("g001");
        await _dispatcher.Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true });
        await _dispatcher.Dispatch.CloseAsync(new IncidentAction { IncidentId = id });

        await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Feed(Events.Source("stranger"))).Dispatch.ReopenAsync(new IncidentAction { IncidentId = id, Reason = "x" }));
    }

    [Fact]
    public async Task SuspendResumeEscalate_RecordTheirReasons()
    {
        var id = await NewIncidentAsync();
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });

        var suspended = await _dispatcher.Dispatch.SuspendAsync(new IncidentAction { IncidentId = id, Reason = "waiting for the reporter" });
        var resumed = await _dispatcher.Dispatch.ResumeAsync(new IncidentAction { IncidentId = id });
        var escalated = await _dispatcher.Dispatch.EscalateAsync(new IncidentAction { IncidentId = id, Reason = "needs the community" });

        Assert.Equal(IncidentStatus.Suspended, suspended.Status);
        Assert.Equal(IncidentStatus.Accepted, resumed.Status);
        Assert.Equal(1, escalated.EscalationLevel);
    }

    [Fact]
    public async Task MarkDuplicate_BothIncidentsRecordIt()
    {
        var original = await NewIncidentAsync();
        var copy = await NewIncidentAsync();

        var marked = await _dispatcher.Dispatch.MarkDuplicateAsync(new MarkDuplicateRequest { IncidentId = copy, DuplicateOf = original, Reason = "same pile" });

        Assert.Equal(IncidentStatus.Duplicate, marked.Status);
        var absorbing = (await _dispatcher.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = original, OmitJournal = true })).Incident;
        Assert.Contains(copy, absorbing.Duplicates);
        await Expect.StatusAsync(StatusCode.InvalidArgument, () => _dispatcher.Dispatch.MarkDuplicateAsync(new MarkDuplicateRequest { IncidentId = copy, DuplicateOf = "nope" }));
    }

    [Fact]
    public async Task MarkDuplicate_OfEachOtherAtOnce_RefusedWithFailedPreconditionNotATimeout()
    {
        var first = await NewIncidentAsync();
        var second = await NewIncidentAsync();

        // Within a deadline far below the grains' response timeout (2 min): a wait cycle would end in DEADLINE_EXCEEDED.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var outcomes = await Task.WhenAll(
            Outcome(_dispatcher.Dispatch.MarkDuplicateAsync(new MarkDuplicateRequest { IncidentId = first, DuplicateOf = second }, deadline: deadline).ResponseAsync),
            Outcome(_dispatcher.Dispatch.MarkDuplicateAsync(new MarkDuplicateRequest { IncidentId = second, DuplicateOf = first }, deadline: deadline).ResponseAsync));

        Assert.All(outcomes, o => Assert.True(o is StatusCode.OK or StatusCode.FailedPrecondition, $"unexpected {o}"));
        Assert.Contains(StatusCode.FailedPrecondition, outcomes);
        var statuses = await Task.WhenAll(new[] { first, second }.Select(async id =>
            (await _dispatcher.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true })).Incident.Status));
        Assert.Equal(outcomes.Select(o => o == StatusCode.OK), statuses.Select(s => s == IncidentStatus.Duplicate));

        static async Task<StatusCode> Outcome(Task call)
        {
            try
            {
                await call;
                return StatusCode.OK;
            }
            catch (RpcException exception)
            {
                return exception.StatusCode;
            }
        }
    }

    [Fact]
    public async Task Retract_FalseAlert_IncidentRetracted()
    {
        var id = await NewIncidentAsync();

        var retracted = await _dispatcher.Dispatch.RetractAsync(new RetractRequest { IncidentId = id });

        Assert.Equal(IncidentStatus.Retracted, retracted.Status);
        await Expect.StatusAsync(StatusCode.FailedPrecondition, () => _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id }));
    }

    private async Task<string> NewIncidentAsync(string grid = "g001", string category = "11.01")
    {
        var source = Events.Source("dispatch");
        var ack = await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source, grid, category) });
        return ack.IncidentId;
    }

    private async Task<string> HandledIncidentAsync(string grid)
    {
        var id = await NewIncidentAsync(grid);
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await _dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "sanitation" });
        await _dispatcher.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id, DepartmentId = "sanitation" });
        await _dispatcher.Dispatch.HandleAsync(new HandleRequest { IncidentId = id, DepartmentId = "sanitation", Result = "done" });
        return id;
    }
}
