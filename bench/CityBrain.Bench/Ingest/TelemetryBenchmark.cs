using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using CityBrain.Bench.Support;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Grains.City;
using CityBrain.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CityBrain.Bench.Ingest;

/// <summary>
/// What telemetry costs on the intake path: the same Release silo (on a database of its own each time, warmed up until its
/// JIT is quiet: <see cref="BenchSilo.WarmUpAsync"/>), started alternately
/// with telemetry off (<c>CityBrain:Telemetry:Enabled=false</c>: no meter or tracer provider at all) and on as a
/// production center runs it (metrics for <c>/metrics</c>, traces sampled at the configured ratio and exported over OTLP
/// http/protobuf, logs exported too) to a sink in this process that reads each export and discards it. Each silo run measures
///   unary   EventIntake.Submit, closed loop;
///   stream  EventIntake.SubmitStream;
///   latency unary submits paced at one fixed rate for every run, a share (default 0.2) of the first "off" run's unary
///           maximum: a center's working load, below saturation, where an ack's p99 is the path's and not the queue's.
/// Runs alternate off, on, on, off, off, on, ... (<c>rounds</c> pairs, ABBA) so the machine's drift falls on both sides; a mode's rate is
/// its events over its time in all rounds, its ack p99 the median of its runs, and its cost the silo's CPU per event. The bytes
/// the silo process allocates per event (read through the startup hook of <c>CityBrain.Bench.AllocationHook</c>) are printed too: unlike rates and CPU
/// time, they hardly move with the machine's load, so they show a setting's cost on a busy machine.
/// Arguments: seconds per phase (8), rounds (2), unary concurrency (512), streams (8), paced share (0.2); arguments of the form
/// <c>--CityBrain:Key=value</c> are settings of the "on" silo (e.g. <c>--CityBrain:Telemetry:TraceSampleRatio=0.1</c>).
/// Ends with: telemetry off_stream_per_s=N on_stream_per_s=N stream_ratio=R off_unary_per_s=N on_unary_per_s=N
///   unary_ratio=R off_ack_p99_ms=N on_ack_p99_ms=N ack_p99_delta_ms=N off_silo_cpu_us=N on_silo_cpu_us=N
///   cost_us_per_event=N off_unary_alloc_b=N on_unary_alloc_b=N off_stream_alloc_b=N on_stream_alloc_b=N
///   off_paced_alloc_b=N on_paced_alloc_b=N exported_requests=N exported_bytes=N max_jit_share=R
///   (max_jit_share: the largest share of a measured phase the silo's JIT took; a phase at 2 % or more is measured again, up
///   to three times)
/// (*_alloc_b: bytes the silo allocated per unary call, streamed event or paced call; the paced phase runs at the same
/// rate in both modes, so its batches are alike and its figure compares best: at saturation, the store's group commit
/// makes bigger batches for a faster silo, which allocate less per event).
/// With <c>CITYBRAIN_ALLOC_SAMPLE=1</c> each phase also prints the types the silo allocated most (a sample that costs CPU).
/// (targets of issue 13: stream_ratio ≥ 0.9, ack_p99_delta_ms ≤ 5).
/// </summary>
internal static class TelemetryBenchmark
{
    private const double PhaseJitLimit = 0.02;
    private const int PhaseAttempts = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var seconds = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 8;
        var rounds = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 2;
        var concurrency = positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 512;
        var streams = positional.Length > 3 ? int.Parse(positional[3], CultureInfo.InvariantCulture) : 8;
        var pacedShare = positional.Length > 4 ? double.Parse(positional[4], CultureInfo.InvariantCulture) : 0.2;
        var onSettings = IngestBenchmark.SettingArguments(args).ToArray();
        var phase = TimeSpan.FromSeconds(seconds);

        // Telemetry costs the silo CPU, not the database: a private server with fsync off keeps the disk's flush latency
        // (on a shared machine, tens to hundreds of milliseconds at random) out of the comparison of ack times.
        await using var postgres = Environment.GetEnvironmentVariable("CITYBRAIN_PG") is { Length: > 0 }
            ? await PostgresServer.FromEnvironmentOrStartAsync()
            : await PostgresServer.StartPrivateAsync(fsync: false);
        var postmaster = await CpuSample.PostmasterPidAsync(await postgres.CreateDatabaseAsync("bench_telemetry"));
        await using var sink = await OtlpSink.StartAsync();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var token = new TokenIssuer(new AuthOptions { SigningKey = key }).Issue(
            new Actor { UserId = IngestBenchmark.Source, Role = Role.Feed, Source = IngestBenchmark.Source }, TimeSpan.FromDays(1));
        var events = new IngestBenchmark.EventSource(CityFile.Parse(CityLoader.DemoCityText()));
        var modes = new[] { new Mode("off"), new Mode("on") };
        double pacedRate = 0;
        var maxJitShare = 0.0;

        BenchHost.Progress($"telemetry off against on{string.Concat(onSettings.Select(s => $" {s.Name}={s.Value}"))}, {rounds} round(s) of {seconds} s phases; PostgreSQL {(postgres.IsPrivate ? "private server, fsync off" : "CITYBRAIN_PG")}; OTLP sink {sink.Endpoint}; load average {BenchHost.LoadAverage()}");
        for (var round = 1; round <= rounds; round++)
        {
            // Off, on in odd rounds and on, off in even ones (ABBA): a machine that drifts one way over the run (a database
            // that grows, a neighbour that starts) weighs on both sides alike instead of always on the second.
            foreach (var mode in round % 2 == 1 ? modes : modes.Reverse())
            {
                var enabled = mode.Name == "on";
                // A database of its own for every silo run: a silo starts by loading the deadlines still pending, so on one
                // shared database each run began with the open incidents of all the runs before it (the fifth run's silo spent
                // 1,577 µs of CPU per unary call against 103-126 µs, and the sixth's held 4.2 GB).
                var settings = IngestBenchmark.SiloSettings(await postgres.CreateDatabaseAsync("bench_telemetry"), key);
                settings["CityBrain:Dashboard:Enabled"] = "false";
                settings["CityBrain:Telemetry:Enabled"] = enabled ? "true" : "false";
                if (enabled)
                {
                    settings["CityBrain:Telemetry:OtlpEndpoint"] = sink.Endpoint;
                    settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                    foreach (var (name, value) in onSettings)
                    {
                        settings[name] = value;
                    }
                }

                await using var silo = await BenchSilo.StartAsync(settings, probeAllocations: true);
                using var channel = ApiChannel.Create(new Uri(silo.GrpcUrl), token);
                var client = new EventIntake.EventIntakeClient(channel);
                BenchHost.Progress($"round {round}, telemetry {mode.Name}: warming up until the silo's JIT is quiet");
                var (warmUp, warmUpJit) = await silo.WarmUpAsync(async slice =>
                {
                    await IngestBenchmark.ClosedLoopAsync(concurrency, slice / 2, async () => await client.SubmitAsync(new SubmitRequest { Event = events.Next() }));
                    await IngestBenchmark.StreamAsync(client, events, streams, slice / 2);
                });
                BenchHost.Progress(FormattableString.Invariant($"  warmed up in {warmUp.TotalSeconds:F0} s; the JIT took {warmUpJit:P1} of the last slice"));

                var (unary, unaryCalls, unaryCpu, unaryAllocated, unaryJit) = await MeasureAsync(silo, postmaster, "unary", async () =>
                    await IngestBenchmark.ClosedLoopAsync(concurrency, phase, async () => await client.SubmitAsync(new SubmitRequest { Event = events.Next() })));
                var (stream, streamStored, streamCpu, streamAllocated, streamJit) = await MeasureAsync(silo, postmaster, "stream", async () =>
                {
                    var (rate, _, stored) = await IngestBenchmark.StreamAsync(client, events, streams, phase);
                    return (rate, stored);
                });
                if (pacedRate == 0) // the first run is an "off" one
                {
                    pacedRate = pacedShare * unary;
                }

                var p99 = 0.0;
                var pacedCalls = (long)(pacedRate * seconds);
                var (_, _, _, pacedAllocated, pacedJit) = await MeasureAsync(silo, postmaster, "paced", async () =>
                {
                    (_, _, p99, _) = await IngestBenchmark.PacedAsync(client, events, pacedRate, phase);
                    return (pacedRate, pacedCalls);
                });
                maxJitShare = Math.Max(maxJitShare, Math.Max(pacedJit, Math.Max(unaryJit, streamJit)));
                mode.Add(unary * seconds, stream * seconds, seconds, p99, unaryCpu.Silo + streamCpu.Silo, unaryCalls, streamStored, unaryAllocated, streamAllocated, pacedAllocated / (double)pacedCalls);
                BenchHost.Progress(FormattableString.Invariant(
                    $"  unary {unary:N0}/s ({unaryCpu.PerOperation(unaryCalls)} over {unaryCalls:N0} calls, silo allocated {unaryAllocated / (double)unaryCalls:N0} B); stream {stream:N0}/s ({streamCpu.PerOperation(streamStored)} over {streamStored:N0} events stored, the drain after the phase included, silo allocated {streamAllocated / (double)streamStored:N0} B); ack p99 {p99:F1} ms at {pacedRate:N0}/s (silo allocated {pacedAllocated / (double)pacedCalls:N0} B); exported so far {sink.Requests:N0} requests, {sink.Bytes:N0} bytes"));
                BenchHost.Progress($"  silo stopped (exit code {await silo.StopAsync()})");
            }
        }

        var (off, on) = (modes[0], modes[1]);
        if (sink.Requests == 0)
        {
            Console.Error.WriteLine("error: the silo with telemetry on exported nothing to the sink; the comparison would be meaningless");
            return 1;
        }

        BenchHost.Progress($"load average {BenchHost.LoadAverage()}");
        Console.WriteLine(FormattableString.Invariant(
            $"telemetry off_stream_per_s={off.StreamRate:F0} on_stream_per_s={on.StreamRate:F0} stream_ratio={on.StreamRate / off.StreamRate:F2} off_unary_per_s={off.UnaryRate:F0} on_unary_per_s={on.UnaryRate:F0} unary_ratio={on.UnaryRate / off.UnaryRate:F2} off_ack_p99_ms={off.MedianP99:F1} on_ack_p99_ms={on.MedianP99:F1} ack_p99_delta_ms={on.MedianP99 - off.MedianP99:F1} off_silo_cpu_us={off.SiloCpuPerEvent:F0} on_silo_cpu_us={on.SiloCpuPerEvent:F0} cost_us_per_event={on.SiloCpuPerEvent - off.SiloCpuPerEvent:F0} off_unary_alloc_b={off.UnaryAllocatedPerEvent:F0} on_unary_alloc_b={on.UnaryAllocatedPerEvent:F0} off_stream_alloc_b={off.StreamAllocatedPerEvent:F0} on_stream_alloc_b={on.StreamAllocatedPerEvent:F0} off_paced_alloc_b={off.PacedAllocatedPerEvent:F0} on_paced_alloc_b={on.PacedAllocatedPerEvent:F0} exported_requests={sink.Requests} exported_bytes={sink.Bytes} max_jit_share={maxJitShare:F3}"));
        return 0;
    }

    /// <summary>Runs a phase (<paramref name="run"/> returns its rate and every operation the silo processed in it, those
    /// finished after the phase's time included) and returns the silo's CPU and allocated bytes over it, and the share of
    /// the phase its JIT took. A phase in which
    /// the silo's JIT took <see cref="PhaseJitLimit"/> or more of the time (a path tiering up late, the first periodic
    /// export) is run again, up to <see cref="PhaseAttempts"/> times in all.</summary>
    private static async Task<(double Rate, long Operations, CpuSample Cpu, long Allocated, double JitShare)> MeasureAsync(BenchSilo silo, int postmaster, string name, Func<Task<(double Rate, long Operations)>> run)
    {
        for (var attempt = 1; ; attempt++)
        {
            var cpu = CpuSample.Take(silo.ProcessId, postmaster);
            var before = await silo.ReadProbeAsync();
            var started = Stopwatch.GetTimestamp();
            var (rate, operations) = await run();
            cpu = CpuSample.Take(silo.ProcessId, postmaster) - cpu;
            var after = await silo.ReadProbeAsync();
            var jitShare = (after.Jit - before.Jit) / Stopwatch.GetElapsedTime(started);
            if (after.Types.Count > 0)
            {
                BenchHost.Progress($"  {name}: the types the silo allocated most (sampled bytes in all, type):\n    {string.Join("\n    ", after.Types)}");
            }

            if (jitShare >= PhaseJitLimit && attempt < PhaseAttempts)
            {
                BenchHost.Progress(FormattableString.Invariant($"  {name}: the silo's JIT took {jitShare:P1} of the phase; measuring it again"));
                continue;
            }

            BenchHost.Progress(FormattableString.Invariant($"  {name}: the silo's JIT took {jitShare:P1} of the phase"));
            return (rate, operations, cpu, after.Bytes - before.Bytes, jitShare);
        }
    }

    /// <summary>One side of the comparison, summed over its rounds.</summary>
    private sealed class Mode(string name)
    {
        private readonly List<double> _p99 = [];
        private double _unaryEvents;
        private double _streamEvents;
        private long _unaryCalls;
        private long _streamStored;
        private double _seconds;
        private TimeSpan _siloCpu;
        private double _unaryAllocated;
        private double _streamAllocated;
        private readonly List<double> _pacedAllocated = [];

        public string Name { get; } = name;

        public double UnaryRate => _unaryEvents / _seconds;

        public double StreamRate => _streamEvents / _seconds;

        // Per event the silo processed: the rates count what finished within each phase, but the silo's CPU and bytes are
        // read after the last call in flight finished (for the stream, thousands of events written ahead of their acks).
        public double SiloCpuPerEvent => _siloCpu.TotalMicroseconds / (_unaryCalls + _streamStored);

        public double MedianP99 => _p99.Order().ElementAt(_p99.Count / 2);

        public double UnaryAllocatedPerEvent => _unaryAllocated / _unaryCalls;

        public double StreamAllocatedPerEvent => _streamAllocated / _streamStored;

        public double PacedAllocatedPerEvent => _pacedAllocated.Average();

        public void Add(double unaryEvents, double streamEvents, double seconds, double p99, TimeSpan siloCpu, long unaryCalls, long streamStored, double unaryAllocated, double streamAllocated, double pacedAllocatedPerEvent)
        {
            _unaryCalls += unaryCalls;
            _streamStored += streamStored;
            _pacedAllocated.Add(pacedAllocatedPerEvent);
            _unaryAllocated += unaryAllocated;
            _streamAllocated += streamAllocated;
            _unaryEvents += unaryEvents;
            _streamEvents += streamEvents;
            _seconds += seconds;
            _p99.Add(p99);
            _siloCpu += siloCpu;
        }
    }

    /// <summary>An OTLP/HTTP receiver that reads each export (so the exporter pays for sending it) and discards it.</summary>
    private sealed class OtlpSink : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _requests;
        private long _bytes;

        private OtlpSink(WebApplication app, string endpoint)
        {
            _app = app;
            Endpoint = endpoint;
        }

        public string Endpoint { get; }

        public long Requests => Interlocked.Read(ref _requests);

        public long Bytes => Interlocked.Read(ref _bytes);

        public static async Task<OtlpSink> StartAsync()
        {
            var port = SiloProcess.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var sink = new OtlpSink(app, $"http://127.0.0.1:{port}");

            // /v1/traces, /v1/metrics, /v1/logs: an empty protobuf body is a valid Export*ServiceResponse.
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                var buffer = new byte[16 * 1024];
                long read = 0;
                int n;
                while ((n = await context.Request.Body.ReadAsync(buffer)) > 0)
                {
                    read += n;
                }

                Interlocked.Increment(ref sink._requests);
                Interlocked.Add(ref sink._bytes, read);
                return Results.Bytes([], "application/x-protobuf");
            });
            await app.StartAsync();
            return sink;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
