using CityBrain.Actors;

namespace CityBrain.Bench.Deadlines;

public interface IDeadlineBenchGrain : IGrain
{
    Task Nothing();
}

/// <summary>Records how late each deadline fired.</summary>
public sealed class DeadlineBenchGrain(FireLog log) : Grain, IDeadlineBenchGrain, IRemindable
{
    public Task Nothing() => Task.CompletedTask;

    public Task ReceiveReminderAsync(string name, TimerTick tick)
    {
        log.Record(TimeProvider.GetUtcNow() - tick.DueAt);
        return Task.CompletedTask;
    }
}

/// <summary>Fire lags, and a signal when the expected number arrived.</summary>
public sealed class FireLog(int expected)
{
    private readonly long[] _lagTicks = new long[expected];
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Task All => _all.Task;

    public void Record(TimeSpan lag)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _lagTicks.Length)
        {
            _lagTicks[index] = lag.Ticks;
        }

        if (index == _lagTicks.Length - 1)
        {
            _all.TrySetResult();
        }
    }

    public double PercentileMilliseconds(double percentile)
    {
        var sorted = _lagTicks.Take(Math.Min(Count, _lagTicks.Length)).ToArray();
        Array.Sort(sorted);
        var index = (int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
        return TimeSpan.FromTicks(sorted[index]).TotalMilliseconds;
    }
}
