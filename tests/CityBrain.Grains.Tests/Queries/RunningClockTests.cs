using CityBrain.Contracts;
using CityBrain.Grains.Queries;
using CityBrain.Grains.Tests.Infrastructure;

namespace CityBrain.Grains.Tests.Queries;

/// <summary>The running clock a list row shows (issue 14), on the pure function: which clock, its due and warning
/// times, the time left, a pause.</summary>
public sealed class RunningClockTests
{
    private static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    [Fact]
    public void Describe_Reported_AcceptClockWithDueWarningAndTimeLeft()
    {
        var story = new Story().At(Min(3));

        var row = Describe(story);

        Assert.Equal(SlaClockKind.Accept, row.SlaClock);
        Assert.Equal(Story.Start + Min(10), row.SlaDueAt.ToDateTimeOffset());
        Assert.Equal(Story.Start + Min(8), row.SlaWarningAt.ToDateTimeOffset());
        Assert.Equal((long)Min(7).TotalMilliseconds, row.SlaRemainingMs);
        Assert.False(row.SlaPaused);
    }

    [Fact]
    public void Describe_LinkageOneArrivedAndPastDue_TheLateDepartmentsOnSiteClockNegative()
    {
        var story = new Story(category: "99.01").At(Min(1)).Accept().At(Min(2)).Linkage("fire", "police", "emergency")
            .At(Min(5)).Arrive("fire").At(Min(2) + Min(16));

        var row = Describe(story);

        // 99.01 火灾: on site 15 min per department; fire arrived, police and emergency are a minute late.
        Assert.Equal(SlaClockKind.OnSite, row.SlaClock);
        Assert.Contains(row.SlaDepartmentId, new[] { "police", "emergency" });
        Assert.Equal(-(long)Min(1).TotalMilliseconds, row.SlaRemainingMs);
    }

    [Fact]
    public void Describe_Suspended_PausedWithTheTimeLeftWhenItPaused()
    {
        var story = new Story().At(Min(1)).Accept().At(Min(3)).Suspend().At(Min(40));

        var row = Describe(story);

        Assert.True(row.SlaPaused);
        Assert.Equal(SlaClockKind.Assign, row.SlaClock);
        Assert.Equal((long)Min(3).TotalMilliseconds, row.SlaRemainingMs);   // 5 min to assign, 2 of them used
        Assert.Equal(story.Now + Min(3), row.SlaDueAt.ToDateTimeOffset());
    }

    [Fact]
    public void Describe_Closed_NoClock()
    {
        var story = new Story().Accept().Assign().Arrive("sanitation").Handle("sanitation").Verify().Close();

        var row = Describe(story);

        Assert.Equal(SlaClockKind.Unspecified, row.SlaClock);
        Assert.Null(row.SlaDueAt);
    }

    private static IncidentSummary Describe(Story story) => IncidentListService.Summarize(story.State, story.Now);
}
