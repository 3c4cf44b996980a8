namespace CityBrain.Actors;

/// <summary>Implemented by grain classes that receive reminders and durable deadlines. Delivery is at least
/// once: after a crash a tick may be delivered again, so handlers must be idempotent.</summary>
public interface IRemindable
{
    /// <summary>A reminder ticked or a deadline fell due. Runs as an ordinary (non-interleaving) request.</summary>
    Task ReceiveReminderAsync(string name, TimerTick tick);
}
