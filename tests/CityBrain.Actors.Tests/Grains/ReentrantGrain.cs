using CityBrain.Actors.Tests.Infrastructure;

namespace CityBrain.Actors.Tests.Grains;

public interface IReentrantGrain : IGrain
{
    Task Hold(string id);

    /// <summary>Does some work in several turns, checking that no other turn of this activation runs meanwhile.</summary>
    Task<int> Work(int turns);

    Task<int> Violations();
}

[Reentrant]
public sealed class ReentrantGrain(TestProbe probe) : Grain, IReentrantGrain
{
    private int _executing;
    private int _violations;

    public async Task Hold(string id)
    {
        probe.Record($"enter:{id}");
        probe.Signal($"entered:{id}");
        await probe.WhenSignalled($"release:{id}");
        probe.Record($"exit:{id}");
    }

    public async Task<int> Work(int turns)
    {
        for (var i = 0; i < turns; i++)
        {
            if (Interlocked.Increment(ref _executing) != 1)
            {
                _violations++;
            }

            Thread.SpinWait(2_000);
            Interlocked.Decrement(ref _executing);
            await Task.Yield();
        }

        return turns;
    }

    public Task<int> Violations() => Task.FromResult(_violations);
}
