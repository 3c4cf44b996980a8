using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Timers;

/// <summary>Delivers a reminder tick or a due deadline to a grain as an ordinary request.</summary>
internal sealed class ReminderRequest(string name, TimerTick tick) : GrainRequest<VoidResult>
{
    private static readonly GrainMethod ReceiveMethod = new(typeof(IRemindable).FullName!, nameof(IRemindable.ReceiveReminderAsync), 0, GrainMethodOptions.None, 0);

    public override GrainMethod Method => ReceiveMethod;

    protected override ValueTask<VoidResult> InvokeAsync(object grain) =>
        FromTask(((IRemindable)grain).ReceiveReminderAsync(name, tick));
}
