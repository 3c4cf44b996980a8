using CityBrain.Contracts;
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

    private static EvaluationReport Compute(EvaluationScope scope = EvaluationScope.Unspecified)
    {
        var (from, to) = EvaluationService.Period(new EvaluationQuery { Period = EvaluationPeriod.Day, Date = "2026-11-21" }, TimeSpan.FromHours(8));
        return EvaluationCalculator.Compute(ScriptedDay().Select(s => s.State), from, to, to, scope);
    }

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
