using CityBrain.Actors.Tests.Infrastructure;

namespace CityBrain.Actors.Tests.Grains;

public interface ICounterGrain : IGrain
{
    Task<long> Add(long delta);

    [ReadOnly]
    Task<long> Get();

    Task<long> Version();

    Task Clear();

    Task Deactivate();
}

public sealed record CounterChanged(string Counter, long Value);

[StateSchema(1)]
public sealed record CounterState
{
    public long Value { get; init; }
}

public sealed class CounterGrain(TestProbe probe) : Grain<CounterState>, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate:{GrainKey}:{State.Value}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate:{GrainKey}:{reason}");
        probe.Signal($"deactivated:{GrainKey}");
        return Task.CompletedTask;
    }

    public async Task<long> Add(long delta)
    {
        State = State with { Value = State.Value + delta };
        Publish("counters", new CounterChanged(GrainKey, State.Value));
        await WriteStateAsync();
        return State.Value;
    }

    public Task<long> Get() => Task.FromResult(State.Value);

    public Task<long> Version() => Task.FromResult(StateVersion);

    public Task Clear() => ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
