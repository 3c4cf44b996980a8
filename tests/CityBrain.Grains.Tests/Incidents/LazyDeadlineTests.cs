using CityBrain.Contracts;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Grains.Tests.Incidents;

/// <summary>The default deadline mode: the durable deadline is moved only earlier, fires early and re-arms.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class LazyDeadlineTests(DatabaseFixture database)
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task LazyDeadline_LeftEarly_FiresFindsNothingAndReArmsForTheRealDueTime()
    {
        await using var silo = await TestSilo.StartAsync(StorageKind.Sqlite, await database.NewDatabaseAsync(StorageKind.Sqlite), _clock, o => o.ArmSlaDeadlinesExactly = false);
        var id = (await silo.SubmitAsync(Events.Alert("12345", "lazy-1"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());   // deadline: assign warning at 4 min
        await silo.ActAsync(id, Who.Dispatcher, c => c.Assign = new AssignAction());   // next due: on-site warning at 16 min; deadline left at 4

        _clock.Advance(TimeSpan.FromMinutes(4));
        await silo.Incident(id).Get(Who.Admin); // queued behind the early firing, which re-arms
        Assert.Equal(3, await silo.JournalLengthAsync(id));

        _clock.Advance(TimeSpan.FromMinutes(12));
        await silo.WarnedAsync(id, SlaClockKind.OnSite, "sanitation");
        Assert.Equal(4, await silo.JournalLengthAsync(id));
    }

    [Fact]
    public async Task LazyDeadline_SuspendCancelsIt_ResumeArmsTheShiftedDueTime()
    {
        await using var silo = await TestSilo.StartAsync(StorageKind.Sqlite, await database.NewDatabaseAsync(StorageKind.Sqlite), _clock, o => o.ArmSlaDeadlinesExactly = false);
        var id = (await silo.SubmitAsync(Events.Alert("12345", "lazy-2"))).IncidentId;
        await silo.ActAsync(id, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(id, Who.Dispatcher, c => c.Suspend = new SuspendAction(), "waiting for the reporter");

        // Suspended: the assign warning (due 4 min after acceptance) does not come while the clock is paused.
        _clock.Advance(TimeSpan.FromMinutes(30));
        await silo.Incident(id).Get(Who.Admin); // queued behind any firing
        Assert.Equal(3, await silo.JournalLengthAsync(id));

        // Resumed: the warning is due 4 min later, not at once (the 30 paused minutes shift it).
        await silo.ActAsync(id, Who.Dispatcher, c => c.Resume = new ResumeAction());
        _clock.Advance(TimeSpan.FromMinutes(4) - TimeSpan.FromSeconds(1));
        await silo.Incident(id).Get(Who.Admin);
        Assert.Equal(4, await silo.JournalLengthAsync(id));

        _clock.Advance(TimeSpan.FromSeconds(1));
        await silo.WarnedAsync(id, SlaClockKind.Assign);
    }
}
