using CityBrain.Storage;

namespace CityBrain.Bench.Deadlines;

/// <summary>Receives deadlines from the shards and records how late each arrived.</summary>
[GrainType(GrainTypeName)]
public sealed class DeadlineBenchGrain(FireLog log, TimeProvider time) : Grain, IDeadlineReceiver
{
    public const string GrainTypeName = "bench-deadline";

    public Task ReceiveDeadline(DeadlineTick tick)
    {
        log.Record(time.GetUtcNow() - tick.DueAt, tick.FiredAt - tick.DueAt);
        return Task.CompletedTask;
    }
}

/// <summary>Fire lags (received, and fired by the shard), and a signal when the expected number arrived.</summary>
public sealed class FireLog(int expected)
{
    private readonly long[] _lagTicks = new long[Math.Max(1, expected)];
    private readonly long[] _firedLagTicks = new long[Math.Max(1, expected)];
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Task All => _all.Task;

    public void Record(TimeSpan lag, TimeSpan firedLag)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _lagTicks.Length)
        {
            _lagTicks[index] = lag.Ticks;
            _firedLagTicks[index] = firedLag.Ticks;
        }

        if (index == _lagTicks.Length - 1)
        {
            _all.TrySetResult();
        }
    }

    /// <summary>Lateness on arrival at the grain.</summary>
    public double PercentileMilliseconds(double percentile) => Percentile(_lagTicks, percentile);

    /// <summary>Lateness of the shard's firing (its timer), before the call to the grain.</summary>
    public double FiredPercentileMilliseconds(double percentile) => Percentile(_firedLagTicks, percentile);

    private double Percentile(long[] lags, double percentile)
    {
        var sorted = lags.Take(Math.Min(Count, lags.Length)).ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        Array.Sort(sorted);
        var index = (int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
        return TimeSpan.FromTicks(sorted[index]).TotalMilliseconds;
    }
}
