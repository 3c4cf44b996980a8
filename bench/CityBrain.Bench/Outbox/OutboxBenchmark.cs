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
/// Arguments: rate per second (1000), seconds (20), keys (500).
/// Ends with: outbox delivered_per_s=N lag_p99_ms=N lost=N reordered=N
/// </summary>
internal static class OutboxBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var keys = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
        var total = rate * seconds;
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await server.CreateDatabaseAsync("bench_outbox");
        var receiver = new Receiver(total);
        using var host = await BenchHost.StartSiloAsync(connection, silo =>
        {
            silo.Services.AddSingleton<IJournalFold<Steps, Step>, StepsFold>();
            silo.Services.AddSingleton<IOutboxChannel>(receiver);
            silo.Services.Configure<OutboxOptions>(o => o.Subscribers[OutboxBenchGrain.Subscriber] = new OutboxSubscriberOptions { Channel = Receiver.ChannelName });
        });
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var incidents = Enumerable.Range(0, keys).Select(k => grains.GetGrain<IOutboxBenchGrain>($"inc-{k:D5}")).ToArray();

        BenchHost.Progress($"sending {total:N0} outbox messages at {rate:N0}/s over {keys} keys; load average {BenchHost.LoadAverage()}");
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
        var lost = acknowledged - delivered;
        var p50 = receiver.LagPercentileMs(50);
        var p99 = receiver.LagPercentileMs(99);
        BenchHost.Progress($"  delivered {delivered:N0} ({receiver.Attempts:N0} attempts) in {elapsed.TotalSeconds:F1} s; lag p50 {p50:F0} ms, p99 {p99:F0} ms, max {receiver.LagPercentileMs(100):F0} ms; load average {BenchHost.LoadAverage()}");
        await host.StopAsync();
        Console.WriteLine(FormattableString.Invariant(
            $"outbox delivered_per_s={delivered / Math.Max(elapsed.TotalSeconds, sending.TotalSeconds):F0} lag_p99_ms={p99:F0} lost={lost} reordered={receiver.Reordered}"));
        return lost == 0 && receiver.Reordered == 0 ? 0 : 1;
    }

    /// <summary>A receiver answering success at once: records each delivery's lag, and order per key.</summary>
    private sealed class Receiver(int expected) : IOutboxChannel
    {
        public const string ChannelName = "bench";
        private readonly ConcurrentDictionary<string, int> _lastByKey = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> _ids = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<double> _lagMs = new();
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

        public Task DeliverAsync(OutboxDelivery delivery, OutboxSubscriberOptions subscriber, CancellationToken cancellationToken)
        {
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
                _lagMs.Enqueue((DateTimeOffset.UtcNow - delivery.CreatedAt).TotalMilliseconds);
            }

            Interlocked.Exchange(ref _lastAt, Stopwatch.GetTimestamp());
            if (_ids.Count >= Volatile.Read(ref _target))
            {
                _all.TrySetResult();
            }

            return Task.CompletedTask;
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

        public double LagPercentileMs(double percentile)
        {
            var sorted = _lagMs.ToArray();
            if (sorted.Length == 0)
            {
                return 0;
            }

            Array.Sort(sorted);
            return sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}
