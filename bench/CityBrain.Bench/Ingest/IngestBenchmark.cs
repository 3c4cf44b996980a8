using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using CityBrain.Bench.Support;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Grains.City;
using CityBrain.Grains.Queries;
using Grpc.Core;
using CityBrain.Storage.Sql;
using CityBrain.Testing;
using Grpc.Health.V1;
using Npgsql;

namespace CityBrain.Bench.Ingest;

/// <summary>
/// The public API's intake, end to end: a Release silo (its own process, server GC) on PostgreSQL (a private server
/// with fsync on, or CITYBRAIN_PG), driven over HTTP/2 by our gRPC client from this process with a feed token — load
/// generator, silo and database share the machine. Every event is a new incident; an ack is durable (sent after the
/// incident's journal append committed). Phases, each for the given seconds after a warm-up that lasts until the silo's JIT is
/// quiet (<see cref="BenchSilo.WarmUpAsync"/>):
///   noop    EventIntake.Ping (authenticated, does nothing) with the same client and concurrency: the baseline;
///   health  the standard gRPC health Check (no token; runs the silo's readiness check) at the same concurrency;
///   unary   EventIntake.Submit, closed loop with that many calls in flight;
///   stream  EventIntake.SubmitStream on a few streams, acks matched by sequence;
///   latency unary submits paced at half the unary maximum (open loop: latency counts from the scheduled send);
///   floor   after the silo stopped, the same rows written straight to PostgreSQL (<see cref="PostgresFloor"/>).
/// The silo is configured for high-volume intake (<c>CityBrain:DeactivateAfterReport=true</c>).
/// Arguments: seconds per phase (10), unary concurrency (1024), streams (8); arguments of the form
/// <c>--CityBrain:Key=value</c> are passed to the silo as settings.
/// CITYBRAIN_PG_STATEMENTS=1 prints the PostgreSQL statements of the unary and stream phases.
/// Ends with: ingest unary_events_per_s=N stream_events_per_s=N floor_events_per_s=N stream_share=R unary_share=R
///   ack_p99_ms=N health_calls_per_s=N floor_pg_cpu_us=N noop_calls_per_s=N ratio=R floor_journal_only_events_per_s=N
///   floor_journal_only_pg_cpu_us=N (shares: of the floor measured in the same run; PostgreSQL CPU per intake's rows)
/// </summary>
internal static class IngestBenchmark
{
    internal const string Source = "bench-ingest";

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var seconds = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 10;
        var concurrency = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 1024;
        var streams = positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 8;
        var phase = TimeSpan.FromSeconds(seconds);

        await using var postgres = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await postgres.CreateDatabaseAsync("bench_ingest");
        var statements = await PgStatements.FromEnvironmentAsync(postgres, connection);
        var postmaster = await CpuSample.PostmasterPidAsync(connection);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        BenchHost.Progress($"starting a Release silo on PostgreSQL ({(postgres.IsPrivate ? "private server, fsync on" : "CITYBRAIN_PG")}); load average {BenchHost.LoadAverage()}");
        var settings = SiloSettings(connection, key);
        foreach (var (name, value) in SettingArguments(args))
        {
            settings[name] = value;
        }

        await using var silo = await BenchSilo.StartAsync(settings, probeAllocations: true);

        var token = new TokenIssuer(new AuthOptions { SigningKey = key }).Issue(new Actor { UserId = Source, Role = Role.Feed, Source = Source }, TimeSpan.FromDays(1));
        using var channel = ApiChannel.Create(new Uri(silo.GrpcUrl), token);
        var client = new EventIntake.EventIntakeClient(channel);
        var events = new EventSource(CityFile.Parse(CityLoader.DemoCityText()));

        BenchHost.Progress("warming up (no-op, health, unary, stream) until the silo's JIT is quiet");
        var checker = new Health.HealthClient(channel);
        var (warmUp, warmUpJit) = await silo.WarmUpAsync(async slice =>
        {
            await ClosedLoopAsync(concurrency, slice / 8, async () => await client.PingAsync(new PingRequest()));
            await ClosedLoopAsync(concurrency, slice / 8, async () => await checker.CheckAsync(new HealthCheckRequest()));
            await ClosedLoopAsync(concurrency, slice / 4, async () => await client.SubmitAsync(new SubmitRequest { Event = events.Next() }));
            await StreamAsync(client, events, streams, slice / 2);
        });
        BenchHost.Progress(FormattableString.Invariant($"  warmed up in {warmUp.TotalSeconds:F0} s; the JIT took {warmUpJit:P1} of the last slice"));

        BenchHost.Progress($"no-op: Ping, {concurrency} calls in flight, {seconds} s");
        var cpu = CpuSample.Take(silo.ProcessId, postmaster);
        var (noop, noopCalls) = await ClosedLoopAsync(concurrency, phase, async () => await client.PingAsync(new PingRequest()));
        BenchHost.Progress($"  {noop:N0} calls/s; {(CpuSample.Take(silo.ProcessId, postmaster) - cpu).PerOperation(noopCalls)}");

        BenchHost.Progress($"health: grpc.health.v1.Health/Check, {concurrency} calls in flight, {seconds} s");
        cpu = CpuSample.Take(silo.ProcessId, postmaster);
        var (health, healthCalls) = await ClosedLoopAsync(concurrency, phase, async () => await checker.CheckAsync(new HealthCheckRequest()));
        BenchHost.Progress($"  {health:N0} calls/s ({health / noop:P0} of the no-op rate); {(CpuSample.Take(silo.ProcessId, postmaster) - cpu).PerOperation(healthCalls)}");

        BenchHost.Progress($"unary: Submit, {concurrency} calls in flight, {seconds} s");
        await ResetAsync(statements);
        cpu = CpuSample.Take(silo.ProcessId, postmaster);
        var (unary, unaryCalls) = await ClosedLoopAsync(concurrency, phase, async () => await client.SubmitAsync(new SubmitRequest { Event = events.Next() }));
        BenchHost.Progress($"  {unary:N0} durable events/s ({unary / noop:P0} of the no-op rate); {(CpuSample.Take(silo.ProcessId, postmaster) - cpu).PerOperation(unaryCalls)}");
        await ReportAsync(statements, unaryCalls);

        BenchHost.Progress($"stream: SubmitStream, {streams} streams, {seconds} s");
        await ResetAsync(statements);
        cpu = CpuSample.Take(silo.ProcessId, postmaster);
        var (stream, streamP99, streamStored) = await StreamAsync(client, events, streams, phase);
        BenchHost.Progress($"  {stream:N0} durable events/s, ack p99 {streamP99:F1} ms at full load; {(CpuSample.Take(silo.ProcessId, postmaster) - cpu).PerOperation(streamStored)}");
        await ReportAsync(statements, streamStored);

        var target = 0.5 * unary;
        BenchHost.Progress($"latency: Submit paced at {target:N0} events/s (half the unary maximum), {seconds} s");
        var (achieved, p50, p99, max) = await PacedAsync(client, events, target, phase);
        BenchHost.Progress($"  achieved {achieved:N0} acknowledged events/s (until the last ack); ack p50 {p50:F1} ms, p99 {p99:F1} ms, max {max:F1} ms");

        BenchHost.Progress($"stopping the silo (exit code {await silo.StopAsync()}); {events.Issued:N0} events submitted in all");

        var (eventBytes, entryBytes) = await PayloadSizesAsync(connection);
        BenchHost.Progress($"postgres floor: an intake's rows written straight to the same database, no silo, {seconds} s each ({PostgresFloor.EventsPerTransaction} events per transaction, payloads as the silo wrote them: journal {eventBytes} B, feed entry {entryBytes} B)");
        await using var floorSource = new PostgresDialect().CreateDataSource(connection, "citybrain-floor", 100, out _);
        var (journalFloor, journalCpu) = await PostgresFloor.MeasureAsync(floorSource, journalOnly: true, phase, postmaster, eventBytes, entryBytes);
        BenchHost.Progress($"  journal row only: {journalFloor:N0} events/s; {journalCpu.PerOperation(journalFloor * seconds)}");
        var (floor, floorCpu) = await PostgresFloor.MeasureAsync(floorSource, journalOnly: false, phase, postmaster, eventBytes, entryBytes);
        BenchHost.Progress($"  all an intake writes (journal row + one change-feed row with tag and deadline, under the feed-order lock): {floor:N0} events/s ({stream / floor:P0} reached by the stream, {unary / floor:P0} by unary); {floorCpu.PerOperation(floor * seconds)}");
        BenchHost.Progress($"load average {BenchHost.LoadAverage()}");
        Console.WriteLine(FormattableString.Invariant(
            $"ingest unary_events_per_s={unary:F0} stream_events_per_s={stream:F0} floor_events_per_s={floor:F0} stream_share={stream / floor:F2} unary_share={unary / floor:F2} ack_p99_ms={p99:F1} health_calls_per_s={health:F0} floor_pg_cpu_us={floorCpu.PostgresPer(floor * seconds):F1} noop_calls_per_s={noop:F0} ratio={unary / noop:F2} floor_journal_only_events_per_s={journalFloor:F0} floor_journal_only_pg_cpu_us={journalCpu.PostgresPer(journalFloor * seconds):F1}"));
        return 0;
    }

    /// <summary>The intake silo's settings on PostgreSQL <paramref name="connection"/> with signing key <paramref name="key"/>.</summary>
    internal static Dictionary<string, string> SiloSettings(string connection, string key) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["CityBrain:Storage:Database"] = "Postgres",
        ["CityBrain:Storage:ConnectionString"] = connection,
        ["CityBrain:Auth:SigningKey"] = key,

        // The limiter runs, with room for the benchmark's single source.
        ["CityBrain:RateLimits:TokenLimit"] = "10000000",
        ["CityBrain:RateLimits:TokensPerPeriod"] = "1000000",
        ["Logging:LogLevel:Default"] = "Warning",

        // Configured for high-volume intake: a new incident does not stay in memory until it is accepted.
        ["CityBrain:DeactivateAfterReport"] = "true",
    };

    /// <summary>The arguments of the form <c>--Key=value</c>: settings for the silo.</summary>
    internal static IEnumerable<(string Name, string Value)> SettingArguments(string[] args) =>
        args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2))
            .Select(a => (a[0], a[1]));

    /// <summary>Keeps <paramref name="concurrency"/> calls in flight for <paramref name="duration"/>; returns completed calls
    /// per second and all calls completed, those in flight at the end included (what the server's CPU was spent on).</summary>
    internal static async Task<(double Rate, long Completed)> ClosedLoopAsync(int concurrency, TimeSpan duration, Func<Task> call)
    {
        var completed = 0L;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                await call();
                Interlocked.Increment(ref completed);
            }
        })));
        return (completed / watch.Elapsed.TotalSeconds, completed);
    }

    /// <summary>Streams events on <paramref name="streams"/> streams for <paramref name="duration"/> (the server's window
    /// and HTTP/2 flow control pace the writers); returns events acknowledged as stored per second within the duration, the
    /// ack p99 from write to ack, and every event stored, those acknowledged after the duration included: the writers run
    /// ahead of the acks by thousands of events, all of which the server processes while its CPU is measured.</summary>
    internal static async Task<(double Rate, double P99, long Stored)> StreamAsync(EventIntake.EventIntakeClient client, EventSource events, int streams, TimeSpan duration)
    {
        var acked = 0L;
        var stored = 0L;
        var refused = 0L;
        var recorders = new List<LatencyRecorder>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, streams).Select(_ =>
        {
            var recorder = new LatencyRecorder(1 << 16);
            lock (recorders)
            {
                recorders.Add(recorder);
            }

            return Task.Run(async () =>
            {
                using var call = client.SubmitStream();
                var sent = new System.Collections.Concurrent.ConcurrentDictionary<ulong, long>();
                var reading = Task.Run(async () =>
                {
                    while (await call.ResponseStream.MoveNext())
                    {
                        var ack = call.ResponseStream.Current;
                        if (!sent.TryRemove(ack.Sequence, out var at))
                        {
                            continue;
                        }

                        // Only a stored event counts; a refused one is acknowledged with an error and nothing stored.
                        if (ack.ResultCase != StreamAck.ResultOneofCase.Ack)
                        {
                            Interlocked.Increment(ref refused);
                            continue;
                        }

                        Interlocked.Increment(ref stored);
                        if (watch.Elapsed >= duration)
                        {
                            continue;
                        }

                        lock (recorder)
                        {
                            recorder.Add(Stopwatch.GetTimestamp() - at);
                        }

                        Interlocked.Increment(ref acked);
                    }
                });
                var buffered = new WriteOptions(WriteFlags.BufferHint);
                ulong sequence = 0;
                while (watch.Elapsed < duration)
                {
                    sequence++;
                    sent[sequence] = Stopwatch.GetTimestamp();
                    call.RequestStream.WriteOptions = sequence % 32 == 0 ? null : buffered;
                    await call.RequestStream.WriteAsync(new StreamEvent { Sequence = sequence, Event = events.Next() });
                }

                await call.RequestStream.CompleteAsync();
                await reading;
            });
        }));
        if (Interlocked.Read(ref refused) > 0)
        {
            BenchHost.Progress($"  warning: {refused:N0} events refused");
        }

        return (acked / duration.TotalSeconds, Ms(LatencyRecorder.Percentile(recorders, 99)), stored);
    }

    /// <summary>Starts unary submits at a fixed rate (open loop) for <paramref name="duration"/>; the latency of each
    /// counts from when it was due, so a stall shows in the percentiles instead of slowing the load.</summary>
    internal static async Task<(double Rate, double P50, double P99, double Max)> PacedAsync(EventIntake.EventIntakeClient client, EventSource events, double rate, TimeSpan duration)
    {
        // The load generator's own collections would show as ack latency: start the phase from a compacted heap (the
        // earlier phases' garbage gone) and keep full collections in the background while it runs.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var latencyMode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        try
        {
            return await PacedUntilDoneAsync(client, events, rate, duration);
        }
        finally
        {
            GCSettings.LatencyMode = latencyMode;
        }
    }

    private static async Task<(double Rate, double P50, double P99, double Max)> PacedUntilDoneAsync(EventIntake.EventIntakeClient client, EventSource events, double rate, TimeSpan duration)
    {
        var recorder = new LatencyRecorder((int)(rate * duration.TotalSeconds) + 1024);
        var worstBySecond = new double[(int)Math.Ceiling(duration.TotalSeconds)];
        var clientPause = GC.GetTotalPauseDuration();
        var pending = 1L; // the scheduling loop counts as one until it ends
        var failed = 0L;
        var succeeded = 0L;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0L;
        var watch = Stopwatch.StartNew();
        var origin = Stopwatch.GetTimestamp();
        while (watch.Elapsed < duration)
        {
            var due = (long)(watch.Elapsed.TotalSeconds * rate);
            for (; started < due; started++)
            {
                var scheduled = origin + (long)(started / rate * Stopwatch.Frequency);
                var second = Math.Min((int)(started / rate), worstBySecond.Length - 1);
                var submit = client.SubmitAsync(new SubmitRequest { Event = events.Next() }).ResponseAsync;
                Interlocked.Increment(ref pending);

                // No list of the tasks: tens of thousands of them kept alive would cost this process GC pauses, which
                // would show as ack latency.
                _ = submit.ContinueWith(
                    done =>
                    {
                        var latency = Stopwatch.GetTimestamp() - scheduled;
                        if (!done.IsCompletedSuccessfully)
                        {
                            Interlocked.Increment(ref failed);
                        }
                        else
                        {
                            Interlocked.Increment(ref succeeded);
                            lock (recorder)
                            {
                                recorder.Add(latency);
                                worstBySecond[second] = Math.Max(worstBySecond[second], Ms(latency));
                            }
                        }

                        if (Interlocked.Decrement(ref pending) == 0)
                        {
                            allDone.TrySetResult();
                        }
                    },
                    TaskScheduler.Default);
            }

            await Task.Delay(1);
        }

        if (Interlocked.Decrement(ref pending) == 0)
        {
            allDone.TrySetResult();
        }

        await allDone.Task;
        var elapsed = watch.Elapsed;
        if (failed > 0)
        {
            BenchHost.Progress($"  warning: {failed:N0} submits failed (not counted in the latency)");
        }

        BenchHost.Progress(FormattableString.Invariant(
            $"  worst ack per second (ms): {string.Join(' ', worstBySecond.Select(w => w.ToString("F0", CultureInfo.InvariantCulture)))}; this process paused {(GC.GetTotalPauseDuration() - clientPause).TotalMilliseconds:F0} ms for GC"));
        var recorders = new[] { recorder };
        return (succeeded / elapsed.TotalSeconds, Ms(LatencyRecorder.Percentile(recorders, 50)), Ms(LatencyRecorder.Percentile(recorders, 99)), Ms(LatencyRecorder.Percentile(recorders, 100)));
    }

    private static async Task ResetAsync(PgStatements? statements)
    {
        if (statements is not null)
        {
            await statements.ResetAsync();
        }
    }

    private static async Task ReportAsync(PgStatements? statements, double operations)
    {
        if (statements is not null)
        {
            BenchHost.Progress(await statements.ReportAsync(operations));
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>The average size of a new incident's journal event and feed entry as the silo wrote them.</summary>
    private static async Task<(int EventBytes, int EntryBytes)> PayloadSizesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT avg(octet_length(payload)) FROM grain_journal WHERE grain_type = 'incident' AND seq = 1)::int, "
            + "(SELECT avg(octet_length(payload)) FROM change_feed WHERE feed = @feed AND tag IS NOT NULL)::int", connection);
        command.Parameters.AddWithValue("feed", IncidentFeed.Name);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.IsDBNull(0) ? 297 : reader.GetInt32(0), reader.IsDBNull(1) ? 384 : reader.GetInt32(1));
    }

    /// <summary>New events of one feed, spread over the demo city's grids by coordinates (the silo finds the grid).</summary>
    internal sealed class EventSource(CityModel city)
    {
        private readonly string _run = Guid.NewGuid().ToString("N")[..6];
        private readonly Location[] _locations = city.Grids
            .Select(g => new Location { Longitude = g.Polygon.InteriorPoint.X, Latitude = g.Polygon.InteriorPoint.Y, Address = g.Name })
            .ToArray();

        private long _next;

        public long Issued => Interlocked.Read(ref _next);

        public IntakeEvent Next()
        {
            var n = Interlocked.Increment(ref _next);
            return new IntakeEvent
            {
                Source = Source,
                SourceEventId = string.Create(CultureInfo.InvariantCulture, $"{_run}-{n}"),
                MessageType = MessageType.Alert,
                CategoryCode = "11.01",
                Location = _locations[n % _locations.Length],
                Description = "垃圾堆放 (bench)",
            };
        }
    }
}
