using CityBrain.Actors.Tests.Infrastructure;

namespace CityBrain.Actors.Tests.Grains;

public interface ITurnGrain : IGrain
{
    /// <summary>Records entry, waits for the gate "release:{id}", records exit.</summary>
    Task Hold(string id);

    [ReadOnly]
    Task ReadHold(string id);

    [AlwaysInterleave]
    Task Interleave(string id);

    ValueTask<int> Append(int value);

    [ReadOnly]
    Task<int[]> Appended();
}

public sealed class TurnGrain(TestProbe probe) : Grain, ITurnGrain
{
    private readonly List<int> _appended = [];

    public Task Hold(string id) => HoldCore(id);

    public Task ReadHold(string id) => HoldCore(id);

    public Task Interleave(string id)
    {
        probe.Record($"enter:{id}");
        probe.Signal($"entered:{id}");
        probe.Record($"exit:{id}");
        return Task.CompletedTask;
    }

    private async Task HoldCore(string id)
    {
        probe.Record($"enter:{id}");
        probe.Signal($"entered:{id}");
        await probe.WhenSignalled($"release:{id}");
        probe.Record($"exit:{id}");
    }

    public ValueTask<int> Append(int value)
    {
        _appended.Add(value);
        return ValueTask.FromResult(_appended.Count);
    }

    public Task<int[]> Appended() => Task.FromResult(_appended.ToArray());
}
