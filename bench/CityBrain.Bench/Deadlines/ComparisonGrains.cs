using CityBrain.Storage;

namespace CityBrain.Bench.Deadlines;

public interface IReminderBenchGrain : IGrainWithIntegerKey
{
    Task Activate();

    /// <summary>Registers (or moves) the grain's reminder "sla": due after <paramref name="due"/>, then every 10 minutes.</summary>
    Task Arm(TimeSpan due);
}

/// <summary>Holds an Orleans reminder (Reminders.AdoNet), the way a grain would keep its SLA backstop with reminders.</summary>
[GrainType("bench-reminder")]
public sealed class ReminderBenchGrain : Grain, IReminderBenchGrain, IRemindable
{
    public Task Activate() => Task.CompletedTask;

    public Task Arm(TimeSpan due) => this.RegisterOrUpdateReminder("sla", due, TimeSpan.FromMinutes(10));

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

public interface IJournaledDeadlineGrain : IGrainWithIntegerKey
{
    Task Activate();

    /// <summary>Appends one event with its feed entry, as an incident transition does; with a deadline change riding on
    /// it when <paramref name="deadlineDue"/> is set.</summary>
    Task Append(DateTimeOffset? deadlineDue);
}

/// <summary>A journal event of the comparison.</summary>
public sealed record Step(int Number, string Note);

/// <summary>The comparison grain's state.</summary>
public sealed class Steps
{
    public int Count { get; set; }
}

/// <summary>Folds <see cref="Step"/> into <see cref="Steps"/>.</summary>
public sealed class StepsFold : IJournalFold<Steps, Step>
{
    public Steps Apply(Steps state, Step @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Count++;
        return state;
    }
}

/// <summary>A feed entry of the comparison.</summary>
public sealed record StepEntry(string Grain, int Number, string Status);

/// <summary>An event-sourced grain whose deadline changes ride on its journal appends (<see cref="IJournal{TState,TEvent}.SetDeadline"/>).</summary>
[GrainType("bench-journaled-deadline")]
public sealed class JournaledDeadlineGrain([Journal(SnapshotInterval = 0)] IJournal<Steps, Step> journal) : Grain, IJournaledDeadlineGrain
{
    public Task Activate() => Task.CompletedTask;

    public Task Append(DateTimeOffset? deadlineDue)
    {
        var number = journal.State.Count + 1;
        journal.Raise(new Step(number, "accepted by the grid's dispatcher"));
        journal.Publish("bench-steps", new StepEntry(this.GetPrimaryKeyLong().ToString(System.Globalization.CultureInfo.InvariantCulture), number, "accepted"));
        if (deadlineDue is { } due)
        {
            journal.SetDeadline("sla", due);
        }

        return journal.ConfirmAsync();
    }
}
