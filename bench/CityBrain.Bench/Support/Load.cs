using System.Diagnostics;

namespace CityBrain.Bench.Support;

/// <summary>Ways to drive load: a fixed amount of work with bounded concurrency, and a closed loop for a duration.</summary>
internal static class Load
{
    /// <summary>Runs <paramref name="count"/> items with at most <paramref name="concurrency"/> in flight, in index order.</summary>
    public static Task RunAsync(int count, int concurrency, Func<int, Task> item)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await item(i);
            }
        })));
    }

    /// <summary>
    /// <paramref name="workers"/> closed loops calling <paramref name="call"/> (with the worker index and a per-worker
    /// random source) for <paramref name="duration"/>; returns calls per second and the latency percentiles (µs) of one
    /// call in <paramref name="sampleEvery"/>.
    /// </summary>
    public static async Task<(double PerSecond, double P50Us, double P99Us, long Calls)> ClosedLoopAsync(int workers, TimeSpan duration, Func<int, Random, ValueTask> call, int sampleEvery = 1)
    {
        var recorders = Enumerable.Range(0, workers).Select(_ => new LatencyRecorder(1 << 12)).ToArray();
        var counts = new long[workers];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var recorder = recorders[w];
            long calls = 0;
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (t0 >= end)
                {
                    break;
                }

                await call(w, random);
                if (calls % sampleEvery == 0)
                {
                    recorder.Add(Stopwatch.GetTimestamp() - t0);
                }

                calls++;
            }

            counts[w] = calls;
        })));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var total = counts.Sum();
        return (total / elapsed, Us(LatencyRecorder.Percentile(recorders, 50)), Us(LatencyRecorder.Percentile(recorders, 99)), total);
    }

    private static double Us(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
