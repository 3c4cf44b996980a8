using CityBrain.Actors;

namespace CityBrain.Bench.Actors;

public interface IPingGrain : IGrain
{
    ValueTask<int> Ping(int value);
}

public sealed class PingGrain : Grain, IPingGrain
{
    private int _calls;

    public ValueTask<int> Ping(int value)
    {
        _calls++;
        return ValueTask.FromResult(value + 1);
    }
}

public interface ISmallStateGrain : IGrain
{
    ValueTask<int> Touch();
}

public sealed record SmallState
{
    public int Value { get; init; }

    public string Label { get; init; } = "";
}

public sealed class SmallStateGrain : Grain<SmallState>, ISmallStateGrain
{
    public ValueTask<int> Touch() => ValueTask.FromResult(State.Value);
}
