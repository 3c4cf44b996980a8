using System.Diagnostics;
using CityBrain.Actors;
using CityBrain.Bench.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Bench.Actors;

/// <summary>
/// 64 concurrent callers calling 10,000 grains, through the runtime and through a minimal channel mailbox in the
/// same process; then the managed heap cost of 100,000 idle activations with a small state.
/// Ends with: actors calls_per_s=N baseline_calls_per_s=N ratio=R p99_us=N bytes_per_activation=N
/// </summary>
internal static class ActorsBenchmark
{
    private const int Callers = 64;
    private const int Grains = 10_000;
    private const int IdleActivations = 100_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var duration = TimeSpan.FromSeconds(seconds);
        using var database = BenchHost.TempSqlite();
        using var host = await BenchHost.StartAsync(StorageProvider.Sqlite, database.ConnectionString);
        var factory = host.Services.GetRequiredService<IGrainFactory>();

        var grains = Enumerable.Range(0, Grains).Select(i => factory.GetGrain<IPingGrain>($"p{i}")).ToArray();
        var actors = Enumerable.Range(0, Grains).Select(_ => new MailboxBaseline()).ToArray();
        Func<int, ValueTask<int>> runtimeCall = i => grains[i].Ping(i);
        Func<int, ValueTask<int>> baselineCall = i => new ValueTask<int>(actors[i].Ping(i));

        BenchHost.Progress("warming up (activating 10,000 grains)");
        await MeasureAsync(runtimeCall, TimeSpan.FromSeconds(1));
        await MeasureAsync(baselineCall, TimeSpan.FromSeconds(1));

        BenchHost.Progress($"runtime: {Callers} callers x {Grains} grains for {seconds} s");
        var (runtimeRate, runtimeP99) = await MeasureAsync(runtimeCall, duration);
        BenchHost.Progress($"  {runtimeRate:N0} calls/s, p99 {runtimeP99:N0} us");
        BenchHost.Progress($"baseline mailbox: same workload for {seconds} s");
        var (baselineRate, baselineP99) = await MeasureAsync(baselineCall, duration);
        BenchHost.Progress($"  {baselineRate:N0} calls/s, p99 {baselineP99:N0} us");

        BenchHost.Progress($"heap cost of {IdleActivations:N0} idle activations with a small state");
        var bytesPerActivation = await MeasureActivationBytesAsync(factory);

        await host.StopAsync();
        Console.WriteLine(FormattableString.Invariant(
            $"actors calls_per_s={runtimeRate:F0} baseline_calls_per_s={baselineRate:F0} ratio={runtimeRate / baselineRate:F2} p99_us={runtimeP99:F0} bytes_per_activation={bytesPerActivation:F0}"));
        return 0;
    }

    private static async Task<(double CallsPerSecond, double P99Microseconds)> MeasureAsync(Func<int, ValueTask<int>> call, TimeSpan duration)
    {
        var recorders = Enumerable.Range(0, Callers).Select(_ => new LatencyRecorder(1 << 16)).ToArray();
        var counts = new long[Callers];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, Callers).Select(w => Task.Run(async () =>
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

                var target = random.Next(Grains);
                var result = await call(target);
                if (result != target + 1)
                {
                    throw new InvalidOperationException("wrong answer");
                }

                // Sample one call in eight: enough for a stable p99, cheap enough not to distort throughput.
                if ((calls & 7) == 0)
                {
                    recorder.Add(Stopwatch.GetTimestamp() - t0);
                }

                calls++;
            }

            counts[w] = calls;
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var p99 = LatencyRecorder.Percentile(recorders, 99) * 1_000_000.0 / Stopwatch.Frequency;
        return (counts.Sum() / elapsed, p99);
    }

    private static async Task<double> MeasureActivationBytesAsync(IGrainFactory factory)
    {
        // Prime every code path once so that JIT and static data are not counted.
        await factory.GetGrain<ISmallStateGrain>("prime").Touch();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var next = -1;
        var workers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < IdleActivations)
            {
                await factory.GetGrain<ISmallStateGrain>($"idle-{i:D6}").Touch();
            }
        }));
        await Task.WhenAll(workers);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        return (after - before) / (double)IdleActivations;
    }
}
