using CityBrain.Storage;
using Orleans.Placement;

namespace CityBrain.Bench.OrleansRuntime;

public interface IPingGrain : IGrainWithIntegerKey
{
    ValueTask<int> Ping(int value);

    /// <summary>The silo the activation runs on.</summary>
    ValueTask<string> Where();
}

/// <summary>Answers at once. Placed on the silo of its first caller, so the benchmark chooses local or remote.</summary>
[PreferLocalPlacement]
[GrainType("bench-ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    private int _calls;

    public ValueTask<int> Ping(int value)
    {
        _calls++;
        return ValueTask.FromResult(value + 1);
    }

    public ValueTask<string> Where() => ValueTask.FromResult(RuntimeIdentity);
}

public interface IStateWriterGrain : IGrainWithIntegerKey
{
    Task Write(int value);

    /// <summary>The silo the activation runs on.</summary>
    ValueTask<string> Where();
}

/// <summary>A small record written with Orleans' ADO.NET grain storage.</summary>
public sealed record WriterState
{
    public int Value { get; init; }

    public string Tag { get; init; } = "";
}

/// <summary>Writes its state through <see cref="IPersistentState{TState}"/> on the ADO.NET provider.</summary>
[PreferLocalPlacement]
[GrainType("bench-state-writer")]
public sealed class StateWriterGrain([PersistentState("bench-state-writer", StorageSiloBuilderExtensions.StateStorage)] IPersistentState<WriterState> state)
    : Grain, IStateWriterGrain
{
    public Task Write(int value)
    {
        state.State = new WriterState { Value = value, Tag = "grid-017/incident-42/accepted" };
        return state.WriteStateAsync();
    }

    public ValueTask<string> Where() => ValueTask.FromResult(RuntimeIdentity);
}

public interface IJournalWriterGrain : IGrainWithIntegerKey
{
    Task Write(int value);
}

/// <summary>One journal event of the same content as <see cref="WriterState"/>.</summary>
public sealed record WriterEvent(int Value, string Tag);

/// <summary>The journaled twin of <see cref="WriterState"/>.</summary>
public sealed class WriterTally
{
    public int Value { get; set; }

    public string Tag { get; set; } = "";
}

/// <summary>Folds <see cref="WriterEvent"/> into <see cref="WriterTally"/>.</summary>
public sealed class WriterFold : IJournalFold<WriterTally, WriterEvent>
{
    public WriterTally Apply(WriterTally state, WriterEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        state.Value = @event.Value;
        state.Tag = @event.Tag;
        return state;
    }
}

/// <summary>Appends one event per write to its journal (group commit), as an incident does per transition.</summary>
[PreferLocalPlacement]
[GrainType("bench-journal-writer")]
public sealed class JournalWriterGrain([Journal(SnapshotInterval = 0)] IJournal<WriterTally, WriterEvent> journal) : Grain, IJournalWriterGrain
{
    public Task Write(int value)
    {
        journal.Raise(new WriterEvent(value, "grid-017/incident-42/accepted"));
        return journal.ConfirmAsync();
    }
}

public interface IIdleGrain : IGrainWithIntegerKey
{
    ValueTask<int> Touch();
}

/// <summary>An activation with a small in-memory state and nothing else: the runtime's own cost per activation.</summary>
[PreferLocalPlacement]
[GrainType("bench-idle")]
public sealed class IdleGrain : Grain, IIdleGrain
{
    private readonly WriterState _state = new() { Value = 1, Tag = "idle" };

    public ValueTask<int> Touch() => ValueTask.FromResult(_state.Value);
}
