using CityBrain.Contracts;
using CityBrain.Grains.Tests.Infrastructure;

namespace CityBrain.Grains.Tests.Lifecycle;

/// <summary>Every lifecycle path and every refusal, on the pure rules and fold.</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void Decide_SevenSteps_ReachClosedWithEveryStepJournaled()
    {
        var story = new Story().After(Minute).Accept().After(Minute).Assign().After(Minute).Arrive("sanitation")
            .After(Minute).Handle("sanitation").After(Minute).Verify().After(Minute).Close();

        Assert.Equal(IncidentStatus.Closed, story.State.Status);
        Assert.Equal(
            ["Reported", "Accepted", "Assigned", "ArrivalConfirmed", "Handled", "Verified", "Closed"],
            story.Journal.Select(e => e.KindCase.ToString()));
        Assert.All(story.Journal, e => Assert.NotNull(e.Actor));
        Assert.Equal("dept-sanitation", story.Journal[3].Actor.UserId);
        Assert.All(story.State.Clocks, c => Assert.Equal(SlaClockState.Stopped, c.State));
        Assert.All(story.State.Clocks, c => Assert.True(c.Met));
        Assert.Equal(7, story.State.Version);
    }

    [Fact]
    public void Decide_Assign_UsesTheCategorysFirstDepartment()
    {
        var story = new Story("11.02").Accept().Assign();

        Assert.Equal("sanitation", Assert.Single(story.State.Assignments).DepartmentId);
        Assert.Equal(IncidentStatus.Assigned, story.State.Status);
    }

    [Fact]
    public void Decide_Reject_NeedsAReasonAndFinishes()
    {
        var story = new Story();
        Assert.Equal("reason", Assert.Throws<ValidationException>(() => story.Do(Who.Dispatcher, c => c.Reject = new RejectAction(), reason: "")).Errors[0].Path);

        story.Do(Who.Dispatcher, c => c.Reject = new RejectAction(), "not a city matter");

        Assert.Equal(IncidentStatus.Rejected, story.State.Status);
        Assert.Equal("not a city matter", story.Journal[^1].Reason);
    }

    [Fact]
    public void Decide_Return_BySoleDepartment_GoesBackToAcceptedAndRestartsTheAssignClock()
    {
        var story = new Story().Accept().Assign("sanitation")
            .Do(Who.Department("sanitation"), c => c.ReturnAssignment = new ReturnAction(), "not ours");

        Assert.Equal(IncidentStatus.Accepted, story.State.Status);
        Assert.Equal(AssignmentStatus.Returned, story.State.Assignments[0].Status);
        Assert.Equal(2, story.State.Clocks.Count(c => c.Kind == SlaClockKind.Assign));
        Assert.Equal(SlaClockState.Running, story.State.Clocks.Last(c => c.Kind == SlaClockKind.Assign).State);

        story.Assign("enforcement");
        Assert.Equal(IncidentStatus.Assigned, story.State.Status);
    }

    [Fact]
    public void Decide_VerifyFailed_SendsTheWorkBackAsRework()
    {
        var story = new Story().Accept().Assign().Arrive("sanitation").Handle("sanitation").Verify(passed: false);

        Assert.Equal(IncidentStatus.OnSite, story.State.Status);
        Assert.Equal(1, story.State.ReworkCount);
        story.Handle("sanitation").Verify().Close();
        Assert.Equal(IncidentStatus.Closed, story.State.Status);
    }

    [Fact]
    public void Decide_Reopen_ByTheReportersFeed_StartsANewRound()
    {
        var story = new Story().Accept().Assign().Arrive("sanitation").Handle("sanitation").Verify().Close()
            .Do(Who.Feed("12345"), c => c.Reopen = new ReopenAction(), "still dirty");

        Assert.Equal(IncidentStatus.Accepted, story.State.Status);
        Assert.Equal(1, story.State.ReopenCount);
        Assert.All(story.State.Assignments, a => Assert.True(a.Archived));
        story.Assign().Arrive("sanitation").Handle("sanitation").Verify().Close();
        Assert.Equal(IncidentStatus.Closed, story.State.Status);
        Assert.Equal(2, story.State.Assignments.Count);
    }

    [Fact]
    public void Decide_SuspendAndResume_RestoresTheStatus()
    {
        var story = new Story().Accept().Assign().Do(Who.Dispatcher, c => c.Suspend = new SuspendAction(), "waiting for the reporter");

        Assert.Equal(IncidentStatus.Suspended, story.State.Status);
        Assert.Throws<IllegalTransitionException>(() => story.Arrive("sanitation"));
        story.Do(Who.Dispatcher, c => c.Resume = new ResumeAction());
        Assert.Equal(IncidentStatus.Assigned, story.State.Status);
        story.Arrive("sanitation");
    }

    [Fact]
    public void Decide_ManualEscalation_GoesUpOneLevelUntilTheTop()
    {
        var story = new Story().Do(Who.Dispatcher, c => c.Escalate = new EscalateAction(), "serious");
        Assert.Equal(1, story.State.EscalationLevel);
        story.Do(Who.Dispatcher, c => c.Escalate = new EscalateAction(), "very serious");
        Assert.Equal(2, story.State.EscalationLevel);

        var refused = Assert.Throws<IllegalTransitionException>(() => story.Do(Who.Dispatcher, c => c.Escalate = new EscalateAction(), "more"));
        Assert.Contains("top of the escalation chain", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_MarkDuplicate_FinishesAndRecordsTheOriginal()
    {
        var story = new Story().Do(Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = "inc-other" });

        Assert.Equal(IncidentStatus.Duplicate, story.State.Status);
        Assert.Equal("inc-other", story.State.DuplicateOf);
        Assert.All(story.State.Clocks, c => Assert.Equal(SlaClockState.Stopped, c.State));
    }

    [Fact]
    public void Decide_Linkage_DispatchesEveryDepartmentWithItsOwnClock()
    {
        var story = new Story("99.01").Accept().Linkage();

        Assert.Equal(["fire", "police", "emergency"], story.State.Assignments.Select(a => a.DepartmentId));
        Assert.All(story.State.Assignments, a => Assert.True(a.Linkage));
        Assert.Equal(["fire", "police", "emergency"], story.State.Clocks.Where(c => c.Kind == SlaClockKind.OnSite).Select(c => c.DepartmentId));
        story.Arrive("fire");
        Assert.Equal(IncidentStatus.OnSite, story.State.Status);
        story.Handle("fire").Arrive("police").Handle("police").Arrive("emergency");
        Assert.Equal(IncidentStatus.OnSite, story.State.Status);
        story.Handle("emergency");
        Assert.Equal(IncidentStatus.Handled, story.State.Status);
    }

    public static TheoryData<string, IncidentStatus> IllegalMoves => new()
    {
        { "accept", IncidentStatus.Accepted },
        { "assign", IncidentStatus.Reported },
        { "linkage", IncidentStatus.Reported },
        { "arrive", IncidentStatus.Accepted },
        { "handle", IncidentStatus.Assigned },
        { "verify", IncidentStatus.OnSite },
        { "close", IncidentStatus.Handled },
        { "reopen", IncidentStatus.Verified },
        { "resume", IncidentStatus.Assigned },
        { "suspend", IncidentStatus.Reported },
        { "reject", IncidentStatus.Accepted },
        { "duplicate", IncidentStatus.Assigned },
        { "accept", IncidentStatus.Closed },
        { "escalate", IncidentStatus.Closed },
        { "assign", IncidentStatus.Suspended },
        { "return", IncidentStatus.Handled },
    };

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void Decide_IllegalTransition_RefusedWithStateAndActionAndChangesNothing(string move, IncidentStatus status)
    {
        var story = StoryIn(status);
        var before = story.State.Clone();
        var journal = story.Journal.Count;

        var refused = Assert.Throws<IllegalTransitionException>(() => Move(story, move));

        Assert.Equal(status, refused.Current);
        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains(status.ToString().ToLowerInvariant(), refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, story.State);
        Assert.Equal(journal, story.Journal.Count);
    }

    [Fact]
    public void Decide_OtherDepartmentConfirmsArrival_PermissionDenied()
    {
        var story = new Story().Accept().Assign("sanitation");

        var refused = Assert.Throws<PermissionDeniedException>(() => story.Arrive("police"));
        Assert.Contains("no assignment of department 'police'", refused.Message, StringComparison.Ordinal);
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Department("police"), c => c.ConfirmArrival = new ConfirmArrivalAction { DepartmentId = "sanitation" }));
        Assert.Equal(IncidentStatus.Assigned, story.State.Status);
    }

    [Fact]
    public void Decide_DepartmentAccepting_PermissionDenied() =>
        Assert.Throws<PermissionDeniedException>(() => new Story().Do(Who.Department("sanitation"), c => c.Accept = new AcceptAction()));

    [Fact]
    public void Decide_DispatcherOutsideJurisdiction_PermissionDenied()
    {
        var story = new Story(); // grid g001 of community c01
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.CommunityDispatcher("c02"), c => c.Accept = new AcceptAction()));
        story.Do(Who.CommunityDispatcher("c01"), c => c.Accept = new AcceptAction());
        Assert.Equal(IncidentStatus.Accepted, story.State.Status);
    }

    [Fact]
    public void Decide_ViewerAndForeignFeed_PermissionDenied()
    {
        var story = new Story().Accept().Assign().Arrive("sanitation").Handle("sanitation").Verify().Close();

        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Viewer, c => c.Reopen = new ReopenAction()));
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Feed("app"), c => c.Reopen = new ReopenAction()));
        Assert.Throws<PermissionDeniedException>(() => story.Do(new Actor { UserId = "x" }, c => c.Reopen = new ReopenAction()));
    }

    [Fact]
    public void Decide_WorkerVerifiesInOwnGridOnly()
    {
        var story = new Story().Accept().Assign().Arrive("sanitation").Handle("sanitation");

        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Worker("g002"), c => c.Verify = new VerifyAction { Passed = true }));
        story.Do(Who.Worker("g001"), c => c.Verify = new VerifyAction { Passed = true });
        Assert.Equal(IncidentStatus.Verified, story.State.Status);
    }

    [Fact]
    public void Decide_BadCommands_NameTheField()
    {
        var story = new Story().Accept();

        Assert.Equal("action", Assert.Throws<ValidationException>(() => story.Do(Who.Dispatcher, _ => { })).Errors[0].Path);
        Assert.Equal("assign.department_id", Assert.Throws<ValidationException>(() => story.Assign("nobody")).Errors[0].Path);
        Assert.Equal("assign.unit_id", Assert.Throws<ValidationException>(() => story.Do(Who.Dispatcher, c => c.Assign = new AssignAction { DepartmentId = "police", UnitId = "x" })).Errors[0].Path);
        Assert.Equal("dispatch_linkage.department_ids[1]", Assert.Throws<ValidationException>(() => story.Linkage("police", "police")).Errors[0].Path);
        Assert.Equal("reason", Assert.Throws<ValidationException>(() => story.Do(Who.Dispatcher, c => c.Reject = new RejectAction(), new string('x', 1001))).Errors[0].Path);
        Assert.Equal(IncidentStatus.Accepted, story.State.Status);
        Assert.Equal(2, story.Journal.Count);
    }

    private static Story StoryIn(IncidentStatus status)
    {
        var story = new Story();
        switch (status)
        {
            case IncidentStatus.Reported:
                return story;
            case IncidentStatus.Accepted:
                return story.Accept();
            case IncidentStatus.Assigned:
                return story.Accept().Assign();
            case IncidentStatus.OnSite:
                return story.Accept().Assign().Arrive("sanitation");
            case IncidentStatus.Handled:
                return story.Accept().Assign().Arrive("sanitation").Handle("sanitation");
            case IncidentStatus.Verified:
                return story.Accept().Assign().Arrive("sanitation").Handle("sanitation").Verify();
            case IncidentStatus.Closed:
                return story.Accept().Assign().Arrive("sanitation").Handle("sanitation").Verify().Close();
            case IncidentStatus.Suspended:
                return story.Accept().Do(Who.Dispatcher, c => c.Suspend = new SuspendAction(), "wait");
            default:
                throw new ArgumentOutOfRangeException(nameof(status));
        }
    }

    private static void Move(Story story, string move)
    {
        switch (move)
        {
            case "accept": story.Accept(); break;
            case "assign": story.Assign(); break;
            case "linkage": story.Linkage("police"); break;
            case "arrive": story.Do(Who.Dispatcher, c => c.ConfirmArrival = new ConfirmArrivalAction { DepartmentId = "sanitation" }); break;
            case "handle": story.Handle("sanitation"); break;
            case "verify": story.Verify(); break;
            case "close": story.Close(); break;
            case "reopen": story.Do(Who.Dispatcher, c => c.Reopen = new ReopenAction()); break;
            case "resume": story.Do(Who.Dispatcher, c => c.Resume = new ResumeAction()); break;
            case "suspend": story.Do(Who.Dispatcher, c => c.Suspend = new SuspendAction()); break;
            case "reject": story.Do(Who.Dispatcher, c => c.Reject = new RejectAction()); break;
            case "duplicate": story.Do(Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = "inc-x" }); break;
            case "escalate": story.Do(Who.Dispatcher, c => c.Escalate = new EscalateAction()); break;
            case "return": story.Do(Who.Department("sanitation"), c => c.ReturnAssignment = new ReturnAction()); break;
            default: throw new ArgumentOutOfRangeException(nameof(move));
        }
    }
}
