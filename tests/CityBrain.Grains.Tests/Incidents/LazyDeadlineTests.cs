using CityBrain.Contracts;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Storage;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Incidents;

/// <summary>The default deadline mode: the durable deadline is moved only earlier, fires early and re-arms.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class LazyDeadlineTests(DatabaseFixture database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task LazyDeadline_LeftEarly_FiresFindsNothingAndReArmsForTheRealDueTime()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock, o => o.ArmSlaDeadlinesExactly = false);
        var id = (await silo.SubmitAsync(Events.Alert("12345", "lazy-1"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());   // deadline: assign warning at 4 min
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction());   // next due: on-site warning at 16 min; deadline left at 4

        await silo.AdvanceAsync(TimeSpan.FromMinutes(4));
        await silo.Deliveries.WaitAsync(id, 1, TestSilo.Patience); // the early firing, handled: it found nothing and re-armed
        Assert.Equal(3, await silo.JournalLengthAsync(id));
        Assert.Equal(1, await silo.DeadlinesCaughtUpAsync());

        await silo.AdvanceAsync(TimeSpan.FromMinutes(12));
        await silo.WarnedAsync(id, SlaClockKind.OnSite, "sanitation");
        Assert.Equal(4, await silo.JournalLengthAsync(id));
    }

    [Fact]
    public async Task LazyDeadline_SuspendCancelsIt_ResumeArmsTheShiftedDueTime()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock, o => o.ArmSlaDeadlinesExactly = false);
        var id = (await silo.SubmitAsync(Events.Alert("12345", "lazy-2"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.Suspend = new SuspendAction(), "waiting for the reporter");

        // Suspended: the assign warning (due 4 min after acceptance) does not come while the clock is paused.
        Assert.Equal(0, await silo.DeadlinesCaughtUpAsync());
        await silo.AdvanceAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(3, await silo.JournalLengthAsync(id));

        // Resumed: the warning is due 4 min later, not at once (the 30 paused minutes shift it).
        await silo.ActAsync(id, Who.Dispatcher, c => c.Resume = new ResumeAction());
        await silo.AdvanceAsync(TimeSpan.FromMinutes(4) - TimeSpan.FromSeconds(1));
        Assert.Equal(4, await silo.JournalLengthAsync(id));
        Assert.Equal(0, silo.Deliveries.Handled(id));

        await silo.AdvanceAsync(TimeSpan.FromSeconds(1));
        await silo.WarnedAsync(id, SlaClockKind.Assign);
    }
}
