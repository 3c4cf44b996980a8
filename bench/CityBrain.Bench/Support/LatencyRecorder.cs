namespace CityBrain.Bench.Support;

/// <summary>Collects latency samples (in Stopwatch ticks) without locking: one recorder per worker, merged at the end.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private long[] _samples = new long[capacity];

    public int Count { get; private set; }

    public void Add(long ticks)
    {
        if (Count == _samples.Length)
        {
            Array.Resize(ref _samples, _samples.Length * 2);
        }

        _samples[Count++] = ticks;
    }

    /// <summary>The percentile (0..100) over all recorders, in Stopwatch ticks.</summary>
    public static long Percentile(IEnumerable<LatencyRecorder> recorders, double percentile)
    {
        var all = recorders.SelectMany(r => r._samples.Take(r.Count)).ToArray();
        if (all.Length == 0)
        {
            return 0;
        }

        Array.Sort(all);
        var index = (int)Math.Clamp(Math.Ceiling(percentile / 100 * all.Length) - 1, 0, all.Length - 1);
        return all[index];
    }
}
