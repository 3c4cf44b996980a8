using CityBrain.Contracts;
using CityBrain.Grains.Drills;
using CityBrain.Grains.Evaluation;
using CityBrain.Grains.Lifecycle;
using CityBrain.Grains.Tests.Infrastructure;

namespace CityBrain.Grains.Tests.Evaluation;

/// <summary>The assessment figures on a scripted day, checked against values computed by hand (see the comments).</summary>
public sealed class EvaluationTests
{
    private static readonly TimeSpan M = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan H = TimeSpan.FromHours(1);
    private static readonly Location G002 = new() { GridId = "g002" };
    private static readonly Location G006 = new() { GridId = "g006" };

    /// <summary>2026-11-21, local (UTC+8) 09:00 onwards. Category 11.01: accept 10 min, assign 5, on site 20, resolve 12 h.</summary>
    private static List<Story> ScriptedDay()
    {
        var s = Story.Start;
        return
        [
            // A (g001): everything on time; closed 2 h after acceptance.
            new Story(id: "A").After(5 * M).Accept().After(3 * M).Assign().After(10 * M).Arrive("sanitation")
                .After(30 * M).Handle("sanitation").After(10 * M).Verify().After(H).Close(),
            // B (g001): accepted after 15 min, dispatched after 7, on site after 25, closed 13 h after acceptance: all late.
            new Story(at: s + H, id: "B").After(15 * M).Accept().After(7 * M).Assign().After(25 * M).Arrive("sanitation")
                .After(H).Handle("sanitation").After(H).Verify().After(new TimeSpan(10, 28, 0)).Close(),
            // C (g002): on time, but the first handling failed verification (rework).
            new Story(at: s + 2 * H, id: "C", location: G002).After(2 * M).Accept().After(M).Assign().After(5 * M).Arrive("sanitation")
                .After(10 * M).Handle("sanitation").After(5 * M).Verify(passed: false).After(10 * M).Handle("sanitation")
                .After(5 * M).Verify().After(10 * M).Close(),
            // D (g002): rejected after 3 min: a timely answer to the accept clock, no other clock.
            new Story(at: s + 3 * H, id: "D", location: G002).After(3 * M).Do(Who.Dispatcher, c => c.Reject = new RejectAction(), "not ours"),
            // E (g006, community c02): never accepted; by the end of the day the accept clock is overdue.
            new Story(at: s + 4 * H, id: "E", location: G006),
            // I (g001): fire, linkage of fire / police / emergency (targets: accept 3, assign 2, on site 15 min, resolve 24 h);
            // police arrives after 20 min (late), the others in time.
            new Story("99.01", at: s + 5 * H, id: "I").After(M).Accept().After(M).Linkage().After(5 * M).Arrive("emergency")
                .After(5 * M).Arrive("fire").After(10 * M).Arrive("police").After(H).Handle("fire").Handle("police").Handle("emergency")
                .After(H).Verify().After(H).Close(),
            // F: a duplicate of A — never counted.
            new Story(at: s + 6 * H, id: "F").Do(Who.Dispatcher, c => c.MarkDuplicate = new MarkDuplicateAction { DuplicateOf = "inc-a" }),
            // X, Y: reported at 23:59 the day before and at 00:00 the day after (local) — other periods.
            new Story(at: new DateTimeOffset(2026, 11, 20, 15, 59, 0, TimeSpan.Zero), id: "X"),
            new Story(at: new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.Zero), id: "Y"),
        ];
    }

    /// <summary>The case of issue 12, 2026-11-21 from 09:00 local: dispatcher-1 (street st-01) sends the police to five
    /// incidents; it is on site in time on three, late on one, and returns one 退单 without arriving.</summary>
    public static List<Story> PoliceFive()
    {
        var s = Story.Start;
        return
        [
            new Story(at: s, id: "P1").After(M).Accept().After(M).Assign("police").After(10 * M).Arrive("police"),
            new Story(at: s + M, id: "P2").After(M).Accept().After(M).Assign("police").After(15 * M).Arrive("police"),
            new Story(at: s + 2 * M, id: "P3").After(M).Accept().After(M).Assign("police").After(20 * M).Arrive("police"), // at the target: in time
            new Story(at: s + 3 * M, id: "P4").After(M).Accept().After(M).Assign("police").After(25 * M).Arrive("police"),
            new Story(at: s + 4 * M, id: "P5").After(M).Accept().After(M).Assign("police").After(5 * M).Return("police"),
        ];
    }

    private static (DateTimeOffset From, DateTimeOffset To) Day { get; } =
        EvaluationService.Period(new EvaluationQuery { Period = EvaluationPeriod.Day, Date = "2026-11-21" }, TimeSpan.FromHours(8));

    private static EvaluationReport Compute(EvaluationScope scope = EvaluationScope.Unspecified) => Compute(ScriptedDay(), scope);

    private static EvaluationReport Compute(List<Story> stories, EvaluationScope scope = EvaluationScope.Unspecified) =>
        EvaluationCalculator.Compute(stories.Select(s => s.State), Day.From, Day.To, Day.To, scope);

    private static (int, int) Parts(Rate rate) => (rate.Numerator, rate.Denominator);

    private static void AssertRates(EvaluationRow row, (int, int) accept, (int, int) assign, (int, int) arrival, (int, int) close, (int, int) rework)
    {
        Assert.Equal(accept, (row.TimelyAccept.Numerator, row.TimelyAccept.Denominator));
        Assert.Equal(assign, (row.TimelyAssign.Numerator, row.TimelyAssign.Denominator));
        Assert.Equal(arrival, (row.OnTimeArrival.Numerator, row.OnTimeArrival.Denominator));
        Assert.Equal(close, (row.OnTimeClose.Numerator, row.OnTimeClose.Denominator));
        Assert.Equal(rework, (row.Rework.Numerator, row.Rework.Denominator));
    }

    private static EvaluationRow Row(EvaluationReport report, EvaluationScope scope, string id) => report.Rows.Single(r => r.Scope == scope && r.Id == id);

    [Fact]
    public void Compute_ScriptedDay_Total_MatchesHandComputedRates()
    {
        var report = Compute();

        // accept: A, C, D, I met; B late; E overdue -> 4/6. assign: A, C, I met; B late -> 3/4.
        // on site: A, C, fire, emergency met; B, police late -> 4/6. close: A, C, I met; B late -> 3/4.
        // rework: C of the closed A, B, C, I -> 1/4.
        Assert.Equal(6, report.Total.Incidents);
        AssertRates(report.Total, (4, 6), (3, 4), (4, 6), (3, 4), (1, 4));
        Assert.Equal(0.6667, report.Total.TimelyAccept.Rate_);
        Assert.Equal(0.25, report.Total.Rework.Rate_);
    }

    [Fact]
    public void Compute_ScriptedDay_PerGridAndCommunity()
    {
        var report = Compute();

        AssertRates(Row(report, EvaluationScope.Grid, "g001"), (2, 3), (2, 3), (3, 5), (2, 3), (0, 3));
        AssertRates(Row(report, EvaluationScope.Grid, "g002"), (2, 2), (1, 1), (1, 1), (1, 1), (1, 1));
        AssertRates(Row(report, EvaluationScope.Grid, "g006"), (0, 1), (0, 0), (0, 0), (0, 0), (0, 0));
        AssertRates(Row(report, EvaluationScope.Community, "c01"), (4, 5), (3, 4), (4, 6), (3, 4), (1, 4));
        AssertRates(Row(report, EvaluationScope.Community, "c02"), (0, 1), (0, 0), (0, 0), (0, 0), (0, 0));
    }

    [Fact]
    public void Compute_ScriptedDay_PerDepartmentAndWorker()
    {
        var report = Compute();

        AssertRates(Row(report, EvaluationScope.Department, "sanitation"), (2, 3), (2, 3), (2, 3), (2, 3), (1, 3));
        AssertRates(Row(report, EvaluationScope.Department, "police"), (1, 1), (1, 1), (0, 1), (1, 1), (0, 1));
        AssertRates(Row(report, EvaluationScope.Department, "fire"), (1, 1), (1, 1), (1, 1), (1, 1), (0, 1));
        AssertRates(Row(report, EvaluationScope.Worker, "w0001"), (2, 3), (2, 3), (3, 5), (2, 3), (0, 3));
        AssertRates(Row(report, EvaluationScope.Worker, "w0002"), (2, 2), (1, 1), (1, 1), (1, 1), (1, 1));
    }

    [Fact]
    public void Compute_OneScope_ReturnsOnlyItsRows()
    {
        var report = Compute(EvaluationScope.Department);

        Assert.All(report.Rows, r => Assert.Equal(EvaluationScope.Department, r.Scope));
        Assert.Equal(["emergency", "fire", "police", "sanitation"], report.Rows.Select(r => r.Id));
    }

    [Fact]
    public void Compute_MonthOfTheScriptedDay_IncludesTheDayBeforeButNotTheNextMonth()
    {
        var (from, to) = EvaluationService.Period(new EvaluationQuery { Period = EvaluationPeriod.Month, Date = "2026-11" }, TimeSpan.FromHours(8));

        var report = EvaluationCalculator.Compute(ScriptedDay().Select(s => s.State), from, to, to, EvaluationScope.Unspecified);

        Assert.Equal(8, report.Total.Incidents); // X (Nov 20) and Y (Nov 22) too
    }

    [Fact]
    public void Replay_OfEachJournal_IsTheIncidentTheFiguresAreComputedFrom()
    {
        foreach (var story in ScriptedDay())
        {
            Assert.Equal(story.State, IncidentFold.Replay(story.Journal));
        }
    }

    [Fact]
    public void Compute_PoliceReturnedOneOfFive_ArrivalThreeOfFour_ReturnsOneOfFive_DispatchAccuracyFourOfFive()
    {
        var report = Compute(PoliceFive());

        // Regression (issue 12): the return stopped its on-site clock as met, and police read 4/5 on time.
        var police = Row(report, EvaluationScope.Department, "police");
        Assert.Equal((3, 4), Parts(police.OnTimeArrival));
        Assert.Equal((1, 5), Parts(police.Returned));
        Assert.Equal(0.2, police.Returned.Rate_);
        var dispatcher = Row(report, EvaluationScope.Dispatcher, "dispatcher-1");
        var level = Row(report, EvaluationScope.Level, "street/st-01");
        Assert.All(new[] { dispatcher, level }, row => Assert.Equal(((4, 5), (1, 5), (0, 0)), (Parts(row.DispatchAccuracy), Parts(row.Returned), Parts(row.OnTimeArrival))));
        Assert.Equal((0, 0), Parts(dispatcher.TimelyAccept)); // a dispatcher's row is about its dispatches alone
        Assert.Equal(5, dispatcher.Incidents);
        Assert.Equal(((3, 4), (4, 5), (1, 5)), (Parts(report.Total.OnTimeArrival), Parts(report.Total.DispatchAccuracy), Parts(report.Total.Returned)));
    }

    [Fact]
    public void DrillReport_OfThePoliceFive_AgreesWithTheEvaluation()
    {
        var stories = PoliceFive();
        var police = Row(Compute(stories), EvaluationScope.Department, "police");

        var drill = DrillReportBuilder.Build(stories.Select(s => (s.State.SourceEventId, s.State)).ToList(), Day.To);

        var returned = drill.Results.Single(r => r.ScenarioEventId == "P5");
        Assert.Equal((-1L, SlaOutcome.Returned, false), (returned.ArriveMs, returned.ArriveOutcome, returned.ArriveMet));
        Assert.Equal((3, 1, 1), (drill.DepartmentsOnTime, drill.DepartmentsLate, drill.DepartmentsReturned));
        var met = drill.Results.Count(r => r.ArriveOutcome == SlaOutcome.Met);
        var breached = drill.Results.Count(r => r.ArriveOutcome == SlaOutcome.Breached);
        Assert.Equal((police.OnTimeArrival.Numerator, police.OnTimeArrival.Denominator), (met, met + breached));
        Assert.Equal(police.Returned.Numerator, drill.DepartmentsReturned);
    }

    [Fact]
    public void Compute_ReturnAfterTheTarget_StaysALateArrival()
    {
        // Returning work once the on-site target has passed cannot take a breach out of the department's figure.
        var late = new Story(id: "R1").After(M).Accept().After(M).Assign("police").After(30 * M).Return("police");

        var police = Row(Compute([late]), EvaluationScope.Department, "police");

        Assert.Equal(((0, 1), (1, 1)), (Parts(police.OnTimeArrival), Parts(police.Returned)));
    }

    [Fact]
    public void Compute_SuspendedBeforeTheTarget_ArrivalNotCountedYet()
    {
        var suspended = new Story(id: "S1").After(M).Accept().After(M).Assign("police").After(5 * M).Suspend();

        var police = Row(Compute([suspended]), EvaluationScope.Department, "police");

        Assert.Equal(((0, 0), (0, 1), (1, 1)), (Parts(police.OnTimeArrival), Parts(police.Returned), Parts(police.DispatchAccuracy)));
    }

    [Fact]
    public void Compute_ScriptedDay_DispatchFiguresPerDispatcherLevelAndDepartment()
    {
        var stories = ScriptedDay();
        stories.Add(new Story(at: Story.Start + 7 * H, id: "G", location: G006).After(M).Accept()
            .After(M).Do(Who.CommunityDispatcher("c02"), c => c.Assign = new AssignAction { DepartmentId = "sanitation" })
            .After(M).Return("sanitation"));

        var report = Compute(stories);

        // dispatcher-1 (street st-01) sent A, B, C to sanitation and I to fire, police, emergency; c02's dispatcher sent G,
        // which sanitation returned.
        (int, int)[] Dispatch(EvaluationScope scope, string id) => [Parts(Row(report, scope, id).DispatchAccuracy), Parts(Row(report, scope, id).Returned)];
        Assert.Equal([(6, 6), (0, 6)], Dispatch(EvaluationScope.Dispatcher, "dispatcher-1"));
        Assert.Equal([(6, 6), (0, 6)], Dispatch(EvaluationScope.Level, "street/st-01"));
        Assert.Equal([(0, 1), (1, 1)], Dispatch(EvaluationScope.Dispatcher, "dispatcher-c02"));
        Assert.Equal([(0, 1), (1, 1)], Dispatch(EvaluationScope.Level, "community/c02"));
        Assert.Equal([(3, 4), (1, 4)], Dispatch(EvaluationScope.Department, "sanitation"));
        Assert.Equal((2, 3), Parts(Row(report, EvaluationScope.Department, "sanitation").OnTimeArrival)); // G's return is not in it
        Assert.Equal(["community/c02", "street/st-01"], report.Rows.Where(r => r.Scope == EvaluationScope.Level).Select(r => r.Id));
    }

    [Fact]
    public void Compute_AssignedByAnAdmin_CountsAtTheCityLevel()
    {
        var story = new Story(id: "Z").After(M).Accept().After(M).Do(Who.Admin, c => c.Assign = new AssignAction { DepartmentId = "police" });

        var report = Compute([story], EvaluationScope.Level);

        Assert.Equal(("city", (1, 1)), (Assert.Single(report.Rows).Id, Parts(report.Rows[0].DispatchAccuracy)));
    }

    [Theory]
    [InlineData(EvaluationPeriod.Day, "2026-13-01", "date")]
    [InlineData(EvaluationPeriod.Month, "2026-11-21", "date")]
    [InlineData(EvaluationPeriod.Unspecified, "2026-11", "period")]
    public void Period_Invalid_NamesTheField(EvaluationPeriod period, string date, string path)
    {
        var refused = Assert.Throws<ValidationException>(() => EvaluationService.Period(new EvaluationQuery { Period = period, Date = date }, TimeSpan.FromHours(8)));

        Assert.Equal(path, refused.Errors[0].Path);
    }
}
