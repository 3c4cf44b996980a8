using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CityBrain.Bench.Deadlines;
using CityBrain.Bench.Support;
using CityBrain.Storage;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Bench.Outbox;

/// <summary>
/// The durable outbox on PostgreSQL (fsync as the server has it): one silo in this process; writers append one journal
/// event with one outbox message each, at a fixed rate (default 1,000/s for 20 s) spread over many ordering keys (500
/// incidents, each key's messages sent one after another); the messages are delivered by the outbox shards to an
/// in-process channel that records, for each, the lag from its commit (the row's created time) to the channel's
/// return, and checks per key that numbers arrive in order. The channel stands in for a receiver answering 2xx at once:
/// the figure is the outbox's own lag (store, shard, channel), not a network's.
/// Arguments: rate per second (1000), seconds (20), keys (500); then optionally <c>slow</c>, slow keys (10) and their
/// answer time in ms (400): the same run twice, on a fresh database each, first with every key answered at once (the
/// baseline), then with the receiver taking that long for the slow keys, and the lag of the other keys compared.
/// Ends with: outbox delivered_per_s=N lag_p99_ms=N lost=N reordered=N; with <c>slow</c>, also
/// outbox_slow slow_keys=N slow_answer_ms=N others_lag_p99_ms=N baseline_lag_p99_ms=N others_vs_baseline=R
/// </summary>
internal static class OutboxBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var keys = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
        var slowMode = args.Length > 3 && args[3] == "slow";
        var slowKeys = slowMode && args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;
        var slowAnswer = TimeSpan.FromMilliseconds(slowMode && args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 400);
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();

        var baseline = await RunPhaseAsync(server, rate, seconds, keys, 0, TimeSpan.Zero);
        Console.WriteLine(FormattableString.Invariant(
            $"outbox delivered_per_s={baseline.DeliveredPerSecond:F0} lag_p99_ms={baseline.LagP99Ms:F0} lost={baseline.Lost} reordered={baseline.Reordered}"));
        var ok = baseline.Lost == 0 && baseline.Reordered == 0;
        if (slowMode)
        {
            var slow = await RunPhaseAsync(server, rate, seconds, keys, slowKeys, slowAnswer);
            Console.WriteLine(FormattableString.Invariant(
                $"outbox_slow slow_keys={slowKeys} slow_answer_ms={slowAnswer.TotalMilliseconds:F0} others_lag_p99_ms={slow.OthersLagP99Ms:F0} baseline_lag_p99_ms={baseline.LagP99Ms:F0} others_vs_baseline={slow.OthersLagP99Ms / Math.Max(baseline.LagP99Ms, 1):F2} slow_lag_p99_ms={slow.LagP99Ms:F0} lost={slow.Lost} reordered={slow.Reordered}"));
            ok &= slow.Lost == 0 && slow.Reordered == 0;
        }

        return ok ? 0 : 1;
    }

    private sealed record Phase(double DeliveredPerSecond, double LagP99Ms, double OthersLagP99Ms, int Lost, int Reordered);

    /// <summary>One run on a fresh database; the first <paramref name="slowKeys"/> keys are answered after
    /// <paramref name="slowAnswer"/>.</summary>
    private static async Task<Phase> RunPhaseAsync(PostgresServer server, int rate, int seconds, int keys, int slowKeys, TimeSpan slowAnswer)
    {
        var total = rate * seconds;
        var connection = await server.CreateDatabaseAsync("bench_outbox");
        var slow = Enumerable.Range(0, slowKeys).Select(KeyOf).ToHashSet(StringComparer.Ordinal);
        var receiver = new Receiver(total, slow, slowAnswer);
        using var host = await BenchHost.StartSiloAsync(connection, silo =>
        {
            silo.Services.AddSingleton<IJournalFold<Steps, Step>, StepsFold>();
            silo.Services.AddSingleton<IOutboxChannel>(receiver);
            silo.Services.Configure<OutboxOptions>(o => o.Subscribers[OutboxBenchGrain.Subscriber] = new OutboxSubscriberOptions { Channel = Receiver.ChannelName });
        });
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var incidents = Enumerable.Range(0, keys).Select(k => grains.GetGrain<IOutboxBenchGrain>(KeyOf(k))).ToArray();

        var answering = slowKeys == 0 ? "every key answered at once" : $"{slowKeys} keys answered after {slowAnswer.TotalMilliseconds:F0} ms";
        BenchHost.Progress($"sending {total:N0} outbox messages at {rate:N0}/s over {keys} keys, {answering}; load average {BenchHost.LoadAverage()}");
        var started = Stopwatch.GetTimestamp();
        var perKey = (int)Math.Ceiling(total / (double)keys);
        var interval = TimeSpan.FromSeconds(keys / (double)rate);
        var sent = 0;
        await Task.WhenAll(incidents.Select((incident, k) => Task.Run(async () =>
        {
            // Open loop per key: message n is due at start + n·interval (+ the key's offset), sent after the previous one of its key.
            var offset = TimeSpan.FromTicks(interval.Ticks * k / keys);
            for (var n = 1; n <= perKey && Volatile.Read(ref sent) < total; n++)
            {
                var due = offset + (interval * (n - 1));
                var wait = due - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                if (Interlocked.Increment(ref sent) > total)
                {
                    return;
                }

                await incident.Send(n);
            }
        })));
        var sending = Stopwatch.GetElapsedTime(started);
        var acknowledged = Math.Min(sent, total);
        BenchHost.Progress($"  {acknowledged:N0} appends acknowledged in {sending.TotalSeconds:F1} s; waiting for the deliveries");
        await receiver.WaitForAsync(acknowledged, TimeSpan.FromMinutes(2));
        var elapsed = Stopwatch.GetElapsedTime(started, receiver.LastAt);
        var delivered = receiver.Distinct;
        var p50 = receiver.LagPercentileMs(50, others: false);
        var p99 = receiver.LagPercentileMs(99, others: false);
        var others = receiver.LagPercentileMs(99, others: true);
        BenchHost.Progress($"  delivered {delivered:N0} ({receiver.Attempts:N0} attempts) in {elapsed.TotalSeconds:F1} s; lag p50 {p50:F0} ms, p99 {p99:F0} ms (keys answered at once: {others:F0} ms), max {receiver.LagPercentileMs(100, others: false):F0} ms; load average {BenchHost.LoadAverage()}");
        await host.StopAsync();
        return new Phase(delivered / Math.Max(elapsed.TotalSeconds, sending.TotalSeconds), p99, others, acknowledged - delivered, receiver.Reordered);
    }

    private static string KeyOf(int k) => $"inc-{k:D5}";

    /// <summary>A receiver answering success at once (the slow keys after <paramref name="slowAnswer"/>): records each
    /// delivery's lag, apart for the keys answered at once, and order per key.</summary>
    private sealed class Receiver(int expected, IReadOnlySet<string> slowKeys, TimeSpan slowAnswer) : IOutboxChannel
    {
        public const string ChannelName = "bench";
        private readonly ConcurrentDictionary<string, int> _lastByKey = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> _ids = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<double> _lagMs = new();
        private readonly ConcurrentQueue<double> _othersLagMs = new();
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _target = expected;
        private int _reordered;
        private int _attempts;
        private long _lastAt;

        public string Name => ChannelName;

        public int Distinct => _ids.Count;

        public int Reordered => Volatile.Read(ref _reordered);

        public int Attempts => Volatile.Read(ref _attempts);

        public long LastAt => Interlocked.Read(ref _lastAt);

        public async Task DeliverAsync(OutboxDelivery delivery, OutboxSubscriberOptions subscriber, CancellationToken cancellationToken)
        {
            var slow = slowKeys.Contains(delivery.OrderingKey);
            if (slow)
            {
                await Task.Delay(slowAnswer, cancellationToken);
            }

            Interlocked.Increment(ref _attempts);
            var number = JsonDocument.Parse(delivery.Payload).RootElement.GetProperty("n").GetInt32();
            // Messages of one key are delivered one after another, so this read-and-set is not raced.
            var previous = _lastByKey.GetValueOrDefault(delivery.OrderingKey);
            if (number < previous)
            {
                Interlocked.Increment(ref _reordered);
            }

            _lastByKey[delivery.OrderingKey] = Math.Max(previous, number);
            if (_ids.TryAdd(delivery.Id, true))
            {
                var lag = (DateTimeOffset.UtcNow - delivery.CreatedAt).TotalMilliseconds;
                _lagMs.Enqueue(lag);
                if (!slow)
                {
                    _othersLagMs.Enqueue(lag);
                }
            }

            Interlocked.Exchange(ref _lastAt, Stopwatch.GetTimestamp());
            if (_ids.Count >= Volatile.Read(ref _target))
            {
                _all.TrySetResult();
            }
        }

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            Volatile.Write(ref _target, count);
            if (_ids.Count >= count)
            {
                return;
            }

            try
            {
                await _all.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                BenchHost.Progress($"  timed out with {_ids.Count:N0} of {count:N0} delivered");
            }
        }

        public double LagPercentileMs(double percentile, bool others)
        {
            var sorted = (others ? _othersLagMs : _lagMs).ToArray();
            if (sorted.Length == 0)
            {
                return 0;
            }

            Array.Sort(sorted);
            return sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}
