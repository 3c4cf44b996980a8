using System.Globalization;
using CityBrain.Bench.Deadlines;
using CityBrain.Storage;

namespace CityBrain.Bench.Outbox;

public interface IOutboxBenchGrain : IGrainWithStringKey
{
    /// <summary>Appends one event with one outbox message numbered <paramref name="number"/> (as an incident step with
    /// its reply to the 12345 platform).</summary>
    Task Send(int number);
}

/// <summary>An incident stand-in: every call is one journal append carrying one outbox message for its key.</summary>
public sealed class OutboxBenchGrain([Journal(SnapshotInterval = 0)] IJournal<Steps, Step> journal) : Grain, IOutboxBenchGrain
{
    public const string Subscriber = "bench-platform";

    public Task Send(int number)
    {
        var key = this.GetPrimaryKeyString();
        journal.Raise(new Step(number, "status update"));
        journal.Send(new OutboxMessage(Subscriber, key, string.Create(CultureInfo.InvariantCulture, $$"""{"key":"{{key}}","n":{{number}}}""")) { Id = $"{key}/{number}" });
        return journal.ConfirmAsync();
    }
}
