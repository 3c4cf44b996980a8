using CityBrain.Actors.Tests.Infrastructure;

namespace CityBrain.Actors.Tests.Grains;

public interface ITimerGrain : IGrain
{
    Task ArmDeadline(string name, DateTimeOffset dueAt);

    Task CancelDeadline(string name);

    Task StartReminder(string name, TimeSpan dueTime, TimeSpan period);

    Task StopReminder(string name);
}

public sealed class TimerGrain(TestProbe probe) : Grain, ITimerGrain, IRemindable
{
    public Task ArmDeadline(string name, DateTimeOffset dueAt)
    {
        SetDeadline(name, dueAt);
        return SaveTimersAsync();
    }

    Task ITimerGrain.CancelDeadline(string name)
    {
        CancelDeadline(name);
        return SaveTimersAsync();
    }

    public Task StartReminder(string name, TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminderAsync(name, dueTime, period);

    public Task StopReminder(string name) => UnregisterReminderAsync(name);

    public Task ReceiveReminderAsync(string name, TimerTick tick)
    {
        probe.Record($"fired:{GrainKey}:{name}:{tick.DueAt:HH:mm:ss}:{tick.FiredAt:HH:mm:ss}");
        probe.Signal($"fired:{GrainKey}:{name}:{tick.DueAt:HH:mm:ss}");
        return Task.CompletedTask;
    }
}
