using System.Diagnostics;
using System.Globalization;
using CityBrain.Bench.Support;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Hosting;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Intake;
using CityBrain.Storage;
using CityBrain.Storage.Deadlines;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CityBrain.Bench.Sla;

/// <summary>
/// The city on an Orleans silo hosted in this process (localhost clustering, the city grains, the journal store and
/// Orleans' ADO.NET grain storage on PostgreSQL with fsync on). Phase 1 (intake): 100,000 incidents reported through
/// the intake, all open at once afterwards — the heap cost per open incident is measured then. Phase 2 (lifecycles):
/// 90 % are driven through accept, assign, arrive, handle, verify and close by 3,000 concurrent callers while the other
/// 10 % (a category with a 20 s accept target) are left unanswered, so their SLA deadlines fire — warning, breach,
/// escalation, repeated escalation — in the middle of the load. Every journal event is a durable transition;
/// transitions_per_s is the rate of phase 2 (the intake rate of phase 1 and the overall rate are printed on stderr).
/// Breach lag: from a clock's due time to its breach being durable in the journal; stderr splits it into the deadline's
/// arrival at the grain and its handling there (<see cref="DeadlineDeliveryFilter"/>), and shows CPU per operation by
/// process, the size of the ADO.NET grain states, and with CITYBRAIN_PG_STATEMENTS=1 / CITYBRAIN_ALLOC_SAMPLE=1 the
/// PostgreSQL statements and the allocated types of each phase.
/// Arguments: incidents (100000), concurrency (3000); <c>--CityBrain:DeactivateAfterReport=true</c> runs the silo as
/// configured for high-volume intake (a new incident's activation is dropped once idle after its report).
/// Ends with: sla open_incidents=N transitions_per_s=N breach_lag_p99_ms=N bytes_per_open_incident=N
///   deactivate_after_report=B intake_per_s=N pg_us_per_transition=N
/// </summary>
internal static class SlaBenchmark
{
    private const string SlowCategory = "11.01";
    private const string FastCategory = "BENCH.01";
    private const string DeactivateSetting = "--CityBrain:DeactivateAfterReport=";

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var incidents = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 100_000;
        var concurrency = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 3_000;
        var deactivate = args.FirstOrDefault(a => a.StartsWith(DeactivateSetting, StringComparison.OrdinalIgnoreCase)) is { } setting
            && bool.Parse(setting[DeactivateSetting.Length..]);
        const int UnansweredEvery = 10;
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await server.CreateDatabaseAsync("bench_sla");
        var statements = await PgStatements.FromEnvironmentAsync(server, connection);
        var postmaster = await CpuSample.PostmasterPidAsync(connection);

        var observer = new Observer(incidents / UnansweredEvery);
        BenchHost.Progress($"starting a silo in this process (DeactivateAfterReport={deactivate}; load average {BenchHost.LoadAverage()})");
        var deliveries = new DeadlineDeliveryFilter(TimeProvider.System);
        using var host = await StartAsync(connection, observer, deactivate, deliveries);
        var intake = host.Services.GetRequiredService<IncidentIntake>();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var city = host.Services.GetRequiredService<CityDirectory>().Require();
        var feed = new Actor { UserId = "bench-feed", Role = Role.Feed, Source = "bench" };
        var dispatcher = new Actor { UserId = "bench-dispatcher", Role = Role.Dispatcher };
        var grids = city.Grids.Select(g => g.Polygon.InteriorPoint).ToArray();

        BenchHost.Progress("warming up");
        await Load.RunAsync(200, concurrency, i => Lifecycle(intake, grains, feed, dispatcher, Event($"warm-{i}", grids[i % grids.Length], SlowCategory)));
        await DeadlineShards.CaughtUpAsync(grains, host.Services.GetRequiredService<IFeedReader>());
        observer.Reset();

        var before = GC.GetTotalMemory(forceFullCollection: true);
        BenchHost.Progress($"reporting {incidents:N0} incidents ({concurrency} concurrent feeds; every {UnansweredEvery}th left unanswered, accept target 20 s)");
        using var sampler = AllocationSampler.FromEnvironment();
        sampler?.Clear();
        if (statements is not null)
        {
            await statements.ResetAsync();
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen1, gen2, pausedBefore) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var cpu = CpuSample.Take(0, postmaster);
        var start = Stopwatch.GetTimestamp();
        await Load.RunAsync(incidents, concurrency, async i =>
        {
            var category = i % UnansweredEvery == 0 ? FastCategory : SlowCategory;
            await intake.SubmitAsync(feed, Event($"e{i:D7}", grids[i % grids.Length], category));
        });
        var reported = Stopwatch.GetElapsedTime(start);
        var intakeCpu = CpuSample.Take(0, postmaster) - cpu;
        var afterReport = observer.Transitions;
        var allocatedPerIncident = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)incidents;
        var intakeRate = incidents / reported.TotalSeconds;
        BenchHost.Progress($"  {incidents:N0} reported in {reported.TotalSeconds:F1} s: {intakeRate:N0} incidents/s ({afterReport:N0} transitions), {allocatedPerIncident:N0} bytes allocated per report (GC in this phase: {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:F1} s)");
        BenchHost.Progress($"  {intakeCpu.PerOperation(incidents)}");
        if (sampler is not null)
        {
            BenchHost.Progress(sampler.Report(incidents));
        }

        if (statements is not null)
        {
            BenchHost.Progress(await statements.ReportAsync(incidents));
        }

        var pending = await DeadlineShards.CaughtUpAsync(grains, host.Services.GetRequiredService<IFeedReader>());
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var bytesPerIncident = (after - before) / (double)incidents;
        BenchHost.Progress($"  heap: {bytesPerIncident:N0} bytes per open incident ({incidents:N0} open, {pending:N0} deadlines pending in the shards)");

        BenchHost.Progress(await StateSizesAsync(connection));
        BenchHost.Progress("driving 90 % through accept, assign, on site, handle, verify, close while the other 10 % breach");
        var (gen0b, gen1b, gen2b, pausedDriving) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        if (statements is not null)
        {
            await statements.ResetAsync();
        }

        sampler?.Clear();
        cpu = CpuSample.Take(0, postmaster);
        var driving = Stopwatch.GetTimestamp();
        var progress = ReportProgressAsync(observer);
        await Load.RunAsync(incidents, concurrency, async i =>
        {
            if (i % UnansweredEvery != 0)
            {
                await Drive(grains, dispatcher, IncidentIds.For("bench", $"e{i:D7}"));
            }
        });
        var drove = Stopwatch.GetElapsedTime(driving);
        var total = Stopwatch.GetElapsedTime(start);
        var transitions = observer.Transitions;
        var drivenTransitions = transitions - afterReport;
        var driveCpu = CpuSample.Take(0, postmaster) - cpu;
        var rate = drivenTransitions / drove.TotalSeconds;
        BenchHost.Progress($"  lifecycles done in {drove.TotalSeconds:F1} s: {rate:N0} transitions/s; breaches so far {observer.Breaches:N0} (GC in this phase: {GC.CollectionCount(0) - gen0b}/{GC.CollectionCount(1) - gen1b}/{GC.CollectionCount(2) - gen2b}, paused {(GC.GetTotalPauseDuration() - pausedDriving).TotalSeconds:F1} s)");
        BenchHost.Progress($"  per transition: {driveCpu.PerOperation(drivenTransitions)}");
        if (sampler is not null)
        {
            BenchHost.Progress(sampler.Report(drivenTransitions));
        }

        if (statements is not null)
        {
            BenchHost.Progress(await statements.ReportAsync(drivenTransitions));
        }
        BenchHost.Progress($"  overall, intake included: {transitions / total.TotalSeconds:N0} transitions/s");

        BenchHost.Progress($"waiting for every unanswered incident's breach ({observer.Breaches:N0} of {incidents / UnansweredEvery:N0})");
        await observer.AllBreached.WaitAsync(TimeSpan.FromMinutes(5));
        observer.Stop();
        await progress;
        var p99 = observer.LagPercentile(99);
        BenchHost.Progress("  " + deliveries.Report());
        BenchHost.Progress($"breach lag p50 {observer.LagPercentile(50):F0} ms, p99 {p99:F0} ms, max {observer.LagPercentile(100):F0} ms; {transitions:N0} transitions in {total.TotalSeconds:F1} s; load average {BenchHost.LoadAverage()}");
        BenchHost.Progress(await StateSizesAsync(connection));
        await host.StopAsync();

        Console.WriteLine(FormattableString.Invariant(
            $"sla open_incidents={incidents} transitions_per_s={rate:F0} breach_lag_p99_ms={p99:F0} bytes_per_open_incident={bytesPerIncident:F0} deactivate_after_report={(deactivate ? "true" : "false")} intake_per_s={intakeRate:F0} pg_us_per_transition={driveCpu.PostgresPer(drivenTransitions):F1}"));
        return 0;
    }

    private static async Task<IHost> StartAsync(string connection, Observer observer, bool deactivate, DeadlineDeliveryFilter deliveries)
    {
        var city = CityLoader.DemoCityText()
            + $"\n  - {{ code: \"{FastCategory}\", name: bench-unanswered, kind: event, departments: [sanitation], sla: {{ accept: 20s }} }}\n";
        var file = Path.Combine(Path.GetTempPath(), $"citybrain-bench-city-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, city);
        try
        {
            return await BenchHost.StartSiloAsync(connection, silo =>
            {
                silo.Services.AddSingleton<IIncidentObserver>(observer);
                silo.Services.AddSingleton<IIncomingGrainCallFilter>(deliveries);
                silo.AddCityBrainGrains(o =>
                {
                    o.CityFile = file;
                    o.DeactivateAfterReport = deactivate;
                });
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The grain states Orleans' ADO.NET provider holds, by state name: rows, largest and total payload (each
    /// write rewrites the whole payload of its row).</summary>
    private static async Task<string> StateSizesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT GrainTypeString, count(*), max(octet_length(PayloadBinary)), sum(octet_length(PayloadBinary)) FROM OrleansStorage GROUP BY 1 ORDER BY 3 DESC", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder("  grain state rows (ADO.NET) at the end, by state name:");
        while (await reader.ReadAsync())
        {
            text.Append(CultureInfo.InvariantCulture, $" {reader.GetString(0)} {reader.GetInt64(1)} rows, largest {(reader.IsDBNull(2) ? 0 : reader.GetInt32(2)):N0} B, total {(reader.IsDBNull(3) ? 0 : reader.GetInt64(3)):N0} B;");
        }

        return text.ToString();
    }

    private static IntakeEvent Event(string id, NetTopologySuite.Geometries.Point point, string category) => new()
    {
        Source = "bench",
        SourceEventId = id,
        MessageType = MessageType.Alert,
        CategoryCode = category,
        Location = new Location { Longitude = point.X, Latitude = point.Y },
        Description = "bench event",
    };

    private static async Task Lifecycle(IncidentIntake intake, IGrainFactory grains, Actor feed, Actor dispatcher, IntakeEvent e)
    {
        var ack = await intake.SubmitAsync(feed, e);
        await Drive(grains, dispatcher, ack.IncidentId);
    }

    private static async Task Drive(IGrainFactory grains, Actor dispatcher, string id)
    {
        var incident = grains.GetGrain<IIncidentGrain>(id);
        var department = new Actor { UserId = "bench-sanitation", Role = Role.Department, DepartmentId = "sanitation" };
        await incident.Execute(new IncidentCommand { Actor = dispatcher, Accept = new AcceptAction() });
        await incident.Execute(new IncidentCommand { Actor = dispatcher, Assign = new AssignAction { DepartmentId = "sanitation" } });
        await incident.Execute(new IncidentCommand { Actor = department, ConfirmArrival = new ConfirmArrivalAction() });
        await incident.Execute(new IncidentCommand { Actor = department, Handle = new HandleAction { Result = "done" } });
        await incident.Execute(new IncidentCommand { Actor = dispatcher, Verify = new VerifyAction { Passed = true } });
        await incident.Execute(new IncidentCommand { Actor = dispatcher, Close = new CloseAction() });
    }

    private static async Task ReportProgressAsync(Observer observer)
    {
        while (!observer.Stopped)
        {
            await Task.WhenAny(observer.StoppedTask, Task.Delay(5000));
            BenchHost.Progress($"  transitions {observer.Transitions:N0}, warnings {observer.Warnings:N0}, breaches {observer.Breaches:N0}, escalations {observer.Escalations:N0}");
        }
    }

    /// <summary>Counts committed journal events and records each breach's lag behind its due time.</summary>
    private sealed class Observer(int expectedBreaches) : IIncidentObserver
    {
        private readonly long[] _lagTicks = new long[Math.Max(1, expectedBreaches)];
        private readonly TaskCompletionSource _allBreached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _transitions;
        private int _breaches;
        private int _warnings;
        private int _escalations;

        public long Transitions => Interlocked.Read(ref _transitions);

        public int Breaches => Volatile.Read(ref _breaches);

        public int Warnings => Volatile.Read(ref _warnings);

        public int Escalations => Volatile.Read(ref _escalations);

        public Task AllBreached => _allBreached.Task;

        public bool Stopped => _stopped.Task.IsCompleted;

        public Task StoppedTask => _stopped.Task;

        public void Reset()
        {
            Interlocked.Exchange(ref _transitions, 0);
            Volatile.Write(ref _breaches, 0);
            Volatile.Write(ref _warnings, 0);
            Volatile.Write(ref _escalations, 0);
        }

        public void Stop() => _stopped.TrySetResult();

        public void OnCommitted(Incident incident, IReadOnlyList<IncidentEvent> events, DateTimeOffset committedAt)
        {
            Interlocked.Add(ref _transitions, events.Count);
            foreach (var e in events)
            {
                switch (e.KindCase)
                {
                    case IncidentEvent.KindOneofCase.SlaWarned:
                        Interlocked.Increment(ref _warnings);
                        break;
                    case IncidentEvent.KindOneofCase.Escalated:
                        Interlocked.Increment(ref _escalations);
                        break;
                    case IncidentEvent.KindOneofCase.SlaBreached:
                        var clock = incident.Clocks.Last(c => c.Kind == e.SlaBreached.Clock && c.DepartmentId == e.SlaBreached.DepartmentId);
                        var index = Interlocked.Increment(ref _breaches) - 1;
                        if (index < _lagTicks.Length)
                        {
                            _lagTicks[index] = (committedAt - clock.DueAt.ToDateTimeOffset()).Ticks;
                        }

                        if (index == _lagTicks.Length - 1)
                        {
                            _allBreached.TrySetResult();
                        }

                        break;
                }
            }
        }

        public double LagPercentile(double percentile)
        {
            var sorted = _lagTicks.Take(Math.Min(Breaches, _lagTicks.Length)).ToArray();
            if (sorted.Length == 0)
            {
                return 0;
            }

            Array.Sort(sorted);
            var index = (int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
            return TimeSpan.FromTicks(sorted[index]).TotalMilliseconds;
        }
    }
}
