using CityBrain.Contracts;
using CityBrain.Grains.Sla;
using CityBrain.Grains.Tests.Infrastructure;

namespace CityBrain.Grains.Tests.Sla;

/// <summary>Warnings, breaches, the repeated escalation chain, pause and resume, on the pure engine.</summary>
public sealed class SlaEngineTests
{
    private static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    [Fact]
    public void NextDue_NewIncident_IsTheAcceptWarningAt80Percent()
    {
        var story = new Story();

        Assert.Equal(Story.Start + Min(8), SlaEngine.NextDue(story.State));
        Assert.Empty(story.At(Min(7.99)).Tick());
    }

    [Fact]
    public void Evaluate_AcceptClock_WarnsAt8ThenBreachesAndEscalatesAt10ThenEveryInterval()
    {
        var story = new Story();

        var warning = Assert.Single(story.At(Min(8)).Tick());
        Assert.Equal(SlaClockKind.Accept, warning.SlaWarned.Clock);
        Assert.Equal(800, warning.SlaWarned.Permille);
        Assert.Equal(Story.Start + Min(10), SlaEngine.NextDue(story.State));

        var breach = story.At(Min(10)).Tick();
        Assert.Equal(["SlaBreached", "Escalated"], breach.Select(e => e.KindCase.ToString()));
        Assert.Equal((0, 1, EscalationCause.Breach), (breach[1].Escalated.FromLevel, breach[1].Escalated.ToLevel, breach[1].Escalated.Cause));
        Assert.Equal(1, story.State.EscalationLevel);
        Assert.Equal(Story.Start + Min(20), SlaEngine.NextDue(story.State)); // re-escalation interval = target (10 min)

        var again = Assert.Single(story.At(Min(20)).Tick());
        Assert.Equal((1, 2, EscalationCause.Unanswered, 2), (again.Escalated.FromLevel, again.Escalated.ToLevel, again.Escalated.Cause, again.Escalated.ClockEscalations));
        Assert.Equal(2, story.State.EscalationLevel);

        var top = Assert.Single(story.At(Min(30)).Tick());
        Assert.Equal((2, 2, 3), (top.Escalated.FromLevel, top.Escalated.ToLevel, top.Escalated.ClockEscalations)); // the street keeps being told
        Assert.Equal(Story.Start + Min(40), SlaEngine.NextDue(story.State));
    }

    [Fact]
    public void Evaluate_Twice_RecordsNothingTheSecondTime()
    {
        var story = new Story();
        story.At(Min(10)).Tick();
        var journal = story.Journal.Count;
        var state = story.State.Clone();

        Assert.Empty(story.Tick());
        Assert.Empty(story.After(Min(0.5)).Tick());
        Assert.Equal(journal, story.Journal.Count);
        Assert.Equal(state, story.State);
    }

    [Fact]
    public void Evaluate_AfterLongDowntime_CatchesUpInOneEscalationAndSkipsStaleWarnings()
    {
        var story = new Story();

        var late = story.At(Min(45)).Tick(); // down from 08:59 to 09:45: warning moot, breach, 4 intervals due

        Assert.Equal(["SlaBreached", "Escalated"], late.Select(e => e.KindCase.ToString()));
        Assert.Equal(4, late[1].Escalated.ClockEscalations);
        Assert.Equal(Story.Start + Min(50), SlaEngine.NextDue(story.State));
    }

    [Fact]
    public void Accept_StopsTheAcceptClockAndStartsAssignAndResolve()
    {
        var story = new Story().At(Min(3)).Accept();

        var accept = story.State.Clocks.Single(c => c.Kind == SlaClockKind.Accept);
        Assert.Equal((SlaClockState.Stopped, 180_000L, true), (accept.State, accept.ElapsedMs, accept.Met));
        Assert.Equal(Story.Start + Min(3 + 4), SlaEngine.NextDue(story.State)); // assign warning at 80 % of 5 min
        Assert.Contains(story.State.Clocks, c => c.Kind == SlaClockKind.Resolve && c.State == SlaClockState.Running && c.TargetMs == 12 * 3_600_000L);
    }

    [Fact]
    public void Accept_AfterBreach_StopsTheClockAsMissed()
    {
        var story = new Story();
        story.At(Min(10)).Tick();
        story.At(Min(12)).Accept();

        var accept = story.State.Clocks.Single(c => c.Kind == SlaClockKind.Accept);
        Assert.False(accept.Met);
        Assert.Equal(720_000, accept.ElapsedMs);
    }

    [Fact]
    public void Suspend_PausesEveryClock_ResumeShiftsTheDeadlinesByThePause()
    {
        var story = new Story().At(Min(1)).Accept().At(Min(2)).Assign();
        var onSiteDue = SlaEngine.NextDue(story.State);
        Assert.Equal(Story.Start + Min(2 + 16), onSiteDue); // on-site warning at 80 % of 20 min

        story.At(Min(5)).Do(Who.Dispatcher, c => c.Suspend = new SuspendAction(), "waiting for the reporter");
        Assert.Null(SlaEngine.NextDue(story.State));
        Assert.Empty(story.At(Min(60)).Tick());

        story.At(Min(65)).Do(Who.Dispatcher, c => c.Resume = new ResumeAction());
        Assert.Equal(Story.Start + Min(2 + 16 + 60), SlaEngine.NextDue(story.State));
        var onSite = story.State.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);
        Assert.Equal(3_600_000, onSite.PausedMs);
        Assert.Empty(story.At(Min(77)).Tick());
        Assert.Single(story.At(Min(78)).Tick());
    }

    [Fact]
    public void Linkage_OneDepartmentLate_BreachesOnlyItsOwnClock()
    {
        var story = new Story("99.01").At(Min(1)).Accept().At(Min(2)).Linkage("fire", "police");
        story.At(Min(10)).Arrive("fire");

        var warning = Assert.Single(story.At(Min(14)).Tick()); // 80 % of 15 min after dispatch at 2
        Assert.Equal("police", warning.SlaWarned.DepartmentId);
        var breach = story.At(Min(17)).Tick();

        Assert.Equal("police", breach[0].SlaBreached.DepartmentId);
        Assert.Equal(SlaClockKind.OnSite, breach[1].Escalated.Clock);
        var clocks = story.State.Clocks.Where(c => c.Kind == SlaClockKind.OnSite).ToDictionary(c => c.DepartmentId);
        Assert.True(clocks["fire"].Met);
        Assert.Equal(SlaClockState.Running, clocks["police"].State);
        Assert.NotNull(clocks["police"].BreachedAt);
    }

    [Fact]
    public void Evaluate_AssignAndResolveClocks_WarnAndBreachAtTheirOwnTargets()
    {
        var story = new Story().At(Min(2)).Accept(); // 11.01: assign 5 min, resolve 12 h

        Assert.Equal(SlaClockKind.Assign, Assert.Single(story.At(Min(6)).Tick()).SlaWarned.Clock);
        var assignBreach = story.At(Min(7)).Tick();
        Assert.Equal((SlaClockKind.Assign, 1), (assignBreach[0].SlaBreached.Clock, assignBreach[1].Escalated.ToLevel));
        story.At(Min(8)).Assign();
        Assert.Equal(Story.Start + Min(8 + 16), SlaEngine.NextDue(story.State)); // on-site warning next
        story.At(Min(20)).Arrive("sanitation");

        var resolveWarning = Assert.Single(story.At(Min(2) + TimeSpan.FromHours(9.6)).Tick());
        Assert.Equal((SlaClockKind.Resolve, 800), (resolveWarning.SlaWarned.Clock, resolveWarning.SlaWarned.Permille));
        var resolveBreach = story.At(Min(2) + TimeSpan.FromHours(12)).Tick();
        Assert.Equal(SlaClockKind.Resolve, resolveBreach[0].SlaBreached.Clock);
        Assert.Equal((1, 2), (resolveBreach[1].Escalated.FromLevel, resolveBreach[1].Escalated.ToLevel));
    }

    [Fact]
    public void Evaluate_FinishedIncident_HasNoDeadline()
    {
        var story = new Story().Do(Who.Dispatcher, c => c.Reject = new RejectAction(), "invalid");

        Assert.Null(SlaEngine.NextDue(story.State));
        Assert.Empty(story.At(Min(100)).Tick());
    }

    [Fact]
    public void Return_BeforeArrival_StopsTheOnSiteClockAsReturned_NeitherMetNorBreached()
    {
        var story = new Story().At(Min(1)).Accept().At(Min(2)).Assign("police").At(Min(7)).Return("police");

        var onSite = story.State.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);
        Assert.Equal((SlaClockState.Stopped, SlaOutcome.Returned, false, 300_000L), (onSite.State, onSite.Outcome, onSite.Met, onSite.ElapsedMs));
    }

    [Fact]
    public void Return_AfterTheTargetPassed_StaysBreached()
    {
        var story = new Story().At(Min(1)).Accept().At(Min(2)).Assign("police");
        story.At(Min(22)).Tick(); // the on-site breach, 20 min after dispatch

        story.At(Min(30)).Return("police");

        var onSite = story.State.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);
        Assert.Equal((SlaOutcome.Breached, false), (onSite.Outcome, onSite.Met));
    }

    [Fact]
    public void Return_AfterArrival_LeavesTheArrivalMet()
    {
        var story = new Story().At(Min(1)).Accept().At(Min(2)).Assign("police").At(Min(12)).Arrive("police").At(Min(15)).Return("police");

        var onSite = story.State.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);
        Assert.Equal((SlaOutcome.Met, 600_000L), (onSite.Outcome, onSite.ElapsedMs));
        Assert.Equal(AssignmentStatus.Returned, story.State.Assignments.Single().Status);
    }

    [Theory]
    [InlineData(3, SlaOutcome.Met)]
    [InlineData(12, SlaOutcome.Breached)]
    public void Reject_AnswersTheAcceptClock(int minutes, SlaOutcome expected)
    {
        // Rejecting an invalid report is the center's 受理 decision on it, as accepting is: not a side path of this clock.
        var story = new Story().At(Min(minutes)).Do(Who.Dispatcher, c => c.Reject = new RejectAction(), "not a real event");

        var accept = Assert.Single(story.State.Clocks);
        Assert.Equal((SlaClockState.Stopped, expected, expected == SlaOutcome.Met), (accept.State, accept.Outcome, accept.Met));
    }

    [Fact]
    public void MarkDuplicate_WhileReported_AnswersTheAcceptClock()
    {
        var story = new Story().At(Min(4)).MarkDuplicate("inc-other");

        Assert.Equal(SlaOutcome.Met, Assert.Single(story.State.Clocks).Outcome);
    }

    /// <summary>The side paths of the lifecycle and the outcome of every clock each one stops, from a common start
    /// (accepted at 1 min, police dispatched at 2 — except the duplicate, marked while still waiting for dispatch).</summary>
    [Theory]
    [InlineData("return", SlaOutcome.Returned, new[] { SlaClockKind.OnSite })]
    [InlineData("duplicate", SlaOutcome.Withdrawn, new[] { SlaClockKind.Assign, SlaClockKind.Resolve })]
    [InlineData("retract", SlaOutcome.Withdrawn, new[] { SlaClockKind.OnSite, SlaClockKind.Resolve })]
    [InlineData("suspend, then retract", SlaOutcome.Withdrawn, new[] { SlaClockKind.OnSite, SlaClockKind.Resolve })]
    public void SidePath_InTime_StopsItsClocksWithItsOwnOutcome_NeverMet(string path, SlaOutcome expected, SlaClockKind[] kinds)
    {
        var story = new Story().At(Min(1)).Accept();
        if (path != "duplicate")
        {
            story.At(Min(2)).Assign("police");
        }

        var open = story.State.Clocks.Select((clock, index) => (clock, index)).Where(c => c.clock.State != SlaClockState.Stopped).Select(c => c.index).ToList();
        _ = path switch
        {
            "return" => story.At(Min(7)).Return("police"),
            "duplicate" => story.At(Min(3)).MarkDuplicate("inc-other"),
            "retract" => story.At(Min(7)).Retract(),
            _ => story.At(Min(5)).Suspend().At(Min(60)).Retract(),
        };

        var stopped = open.Select(i => story.State.Clocks[i]).Where(c => c.State == SlaClockState.Stopped).ToList();
        Assert.Equal(kinds.Order(), stopped.Select(c => c.Kind).Order());
        Assert.All(stopped, c => Assert.Equal((expected, false), (c.Outcome, c.Met)));
    }

    [Fact]
    public void Retract_AClockAlreadyPastItsTarget_StaysBreached()
    {
        var story = new Story("99.01").At(Min(1)).Accept().At(Min(2)).Linkage("fire", "police").At(Min(5)).Arrive("fire");

        story.At(Min(20)).Retract(); // police on site target: 15 min from 2

        var onSite = story.State.Clocks.Where(c => c.Kind == SlaClockKind.OnSite).ToDictionary(c => c.DepartmentId, c => c.Outcome);
        Assert.Equal(SlaOutcome.Met, onSite["fire"]);
        Assert.Equal(SlaOutcome.Breached, onSite["police"]);
    }

    [Fact]
    public void Suspended_PausedClock_IsNotDecidedUntilItRunsPastItsTarget()
    {
        var story = new Story().At(Min(1)).Accept().At(Min(2)).Assign("police").At(Min(5)).Suspend();
        var onSite = story.State.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);

        Assert.Equal(SlaClockState.Paused, onSite.State);
        Assert.Equal(SlaOutcome.Unspecified, SlaEngine.OutcomeAt(onSite, Story.Start + TimeSpan.FromDays(1)));
    }

    [Fact]
    public void OutcomeAt_RunningClock_IsUndecidedBeforeItsTargetAndBreachedFromIt()
    {
        var story = new Story().At(Min(1)).Accept().At(Min(2)).Assign("police");
        var onSite = story.State.Clocks.Single(c => c.Kind == SlaClockKind.OnSite);

        Assert.Equal(SlaOutcome.Unspecified, SlaEngine.OutcomeAt(onSite, Story.Start + Min(21.99)));
        Assert.Equal(SlaOutcome.Breached, SlaEngine.OutcomeAt(onSite, Story.Start + Min(22))); // when Evaluate breaches it
    }

    [Fact]
    public void Definitions_AreSeparateFromRunningClocks()
    {
        Assert.Equal(["accept", "assign", "on_site", "resolve"], SlaDefinitions.All.Select(d => d.Name));
        Assert.All(SlaDefinitions.All, d => Assert.True(d.PausesWhileSuspended));
        var policy = new SlaPolicy { AcceptMs = 1, AssignMs = 2, OnSiteMs = 3, ResolveMs = 4 };
        Assert.Equal([1L, 2L, 3L, 4L], SlaDefinitions.All.Select(d => d.Target(policy)));
    }
}
