using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Actors.Tests.Timers;

[Collection(DatabaseCollection.Name)]
public sealed class TimerTests(DatabaseFixture database)
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Deadline_FiresAtDueTime_OnceAndNotBefore(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var silo = await TestSilo.StartAsync(kind, connection, _clock);
        var grain = silo.Grains.GetGrain<ITimerGrain>("t1");

        await grain.ArmDeadline("accept", _clock.GetUtcNow().AddMinutes(10));
        var retired = silo.WhenDeadlineRetired("timer/t1", "accept");
        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.DoesNotContain(silo.Probe.Events, e => e.StartsWith("fired:t1", StringComparison.Ordinal));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await silo.Probe.WaitAsync("fired:t1:accept:08:10:00");

        await retired;
        Assert.Equal(0, await CountTimerRowsAsync(kind, connection));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["fired:t1:accept:08:10:00:08:10:00"], silo.Probe.Events.Where(e => e.StartsWith("fired:", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Deadline_Cancelled_NeverFires(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var silo = await TestSilo.StartAsync(kind, connection, _clock);
        var grain = silo.Grains.GetGrain<ITimerGrain>("t2");
        await grain.ArmDeadline("assign", _clock.GetUtcNow().AddMinutes(5));
        await grain.ArmDeadline("sentinel", _clock.GetUtcNow().AddMinutes(6));

        await grain.CancelDeadline("assign");
        _clock.Advance(TimeSpan.FromMinutes(6));
        await silo.Probe.WaitAsync("fired:t2:sentinel:08:06:00");

        Assert.DoesNotContain(silo.Probe.Events, e => e.Contains(":assign:", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task DeadlinesAndReminders_SurviveHostRestart(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            var grain = silo.Grains.GetGrain<ITimerGrain>("t3");
            await grain.ArmDeadline("onsite", _clock.GetUtcNow().AddMinutes(20));
            await grain.StartReminder("patrol", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await restarted.Probe.WaitAsync("fired:t3:patrol:08:01:00");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await restarted.Probe.WaitAsync("fired:t3:patrol:08:02:00");
        _clock.Advance(TimeSpan.FromMinutes(18));
        await restarted.Probe.WaitAsync("fired:t3:onsite:08:20:00");

        await restarted.Grains.GetGrain<ITimerGrain>("t3").StopReminder("patrol");
        var ticks = restarted.Probe.Events.Count(e => e.Contains(":patrol:", StringComparison.Ordinal));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(ticks, restarted.Probe.Events.Count(e => e.Contains(":patrol:", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Deadline_DueWhileDown_FiresRightAfterStart(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            await silo.Grains.GetGrain<ITimerGrain>("t4").ArmDeadline("accept", _clock.GetUtcNow().AddMinutes(10));
        }

        _clock.Advance(TimeSpan.FromMinutes(45)); // the center is down past the due time

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        await restarted.Probe.WaitAsync("fired:t4:accept:08:10:00");

        Assert.Contains("fired:t4:accept:08:10:00:08:45:00", restarted.Probe.Events);
    }

    [Fact]
    public async Task Deadline_ReArmedWhileFiring_KeepsTheNewDueTime()
    {
        var connection = await database.NewDatabaseAsync(StorageKind.Sqlite);
        await using var silo = await TestSilo.StartAsync(StorageKind.Sqlite, connection, _clock);
        var grain = silo.Grains.GetGrain<ITimerGrain>("t5");
        await grain.ArmDeadline("escalate", _clock.GetUtcNow().AddMinutes(1));
        var retired = silo.WhenDeadlineRetired("timer/t5", "escalate");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await silo.Probe.WaitAsync("fired:t5:escalate:08:01:00");
        await retired;

        await grain.ArmDeadline("escalate", _clock.GetUtcNow().AddMinutes(10));
        Assert.Equal(1, await CountTimerRowsAsync(StorageKind.Sqlite, connection));
        _clock.Advance(TimeSpan.FromMinutes(10));
        await silo.Probe.WaitAsync("fired:t5:escalate:08:11:00");
    }

    private static async Task<long> CountTimerRowsAsync(StorageKind kind, string connection)
    {
        await using var db = Storage.StateStorageTests.Open(kind, connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_timer";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
