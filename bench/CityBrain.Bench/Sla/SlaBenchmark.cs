using System.Diagnostics;
using System.Globalization;
using CityBrain.Actors;
using CityBrain.Bench.Support;
using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Hosting;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Intake;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityBrain.Bench.Sla;

/// <summary>
/// The city on PostgreSQL (fsync on). Phase 1 (intake): 100,000 incidents reported through the intake, all open at
/// once afterwards — the heap cost per open incident is measured then. Phase 2 (lifecycles): 90 % are driven through
/// accept, assign, arrive, handle, verify and close by 3,000 concurrent callers while the other 10 % (a category with
/// a 20 s accept target) are left unanswered, so their SLA deadlines fire — warning, breach, escalation, repeated
/// escalation — in the middle of the load. Every journal event is a durable transition; transitions_per_s is the
/// rate of phase 2 (the intake rate of phase 1 and the overall rate are printed on stderr). Breach lag: from a
/// clock's due time to its breach being durable in the journal. Arguments: incidents, concurrency.
/// Ends with: sla open_incidents=100000 transitions_per_s=N breach_lag_p99_ms=N bytes_per_open_incident=N
/// </summary>
internal static class SlaBenchmark
{
    private const string SlowCategory = "11.01";
    private const string FastCategory = "BENCH.01";

    public static async Task<int> RunAsync(string[] args)
    {
        var incidents = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3_000;
        var unansweredEvery = 10;
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await server.CreateDatabaseAsync("bench_sla");

        // Prepared statements persist across pool returns, so the per-return session reset (several statements on
        // the next use) buys nothing here; a silo on PostgreSQL would configure the same.
        connection += ";No Reset On Close=true";
        var observer = new Observer(incidents / unansweredEvery);
        using var host = await StartAsync(connection, observer);
        var intake = host.Services.GetRequiredService<IncidentIntake>();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var city = host.Services.GetRequiredService<CityDirectory>().Require();
        var feed = new Actor { UserId = "bench-feed", Role = Role.Feed, Source = "bench" };
        var dispatcher = new Actor { UserId = "bench-dispatcher", Role = Role.Dispatcher };
        var grids = city.Grids.Select(g => g.Polygon.InteriorPoint).ToArray();

        BenchHost.Progress("warming up");
        await RunAsync(200, concurrency, i => Lifecycle(intake, grains, feed, dispatcher, Event($"warm-{i}", grids[i % grids.Length], SlowCategory)));
        observer.Reset();

        var before = GC.GetTotalMemory(forceFullCollection: true);
        BenchHost.Progress($"reporting {incidents:N0} incidents ({concurrency} concurrent feeds; every {unansweredEvery}th left unanswered, accept target 20 s)");
        using var sampler = AllocationSampler.FromEnvironment();
        sampler?.Clear();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen1, gen2, pausedBefore) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var start = Stopwatch.GetTimestamp();
        await RunAsync(incidents, concurrency, async i =>
        {
            var category = i % unansweredEvery == 0 ? FastCategory : SlowCategory;
            await intake.SubmitAsync(feed, Event($"e{i:D7}", grids[i % grids.Length], category));
        });
        var reported = Stopwatch.GetElapsedTime(start);
        var afterReport = observer.Transitions;
        var allocatedPerIncident = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)incidents;
        BenchHost.Progress($"  {incidents:N0} reported in {reported.TotalSeconds:F1} s: {afterReport / reported.TotalSeconds:N0} transitions/s, {allocatedPerIncident:N0} bytes allocated per report (GC in this phase: {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:F1} s)");
        if (sampler is not null)
        {
            BenchHost.Progress(sampler.Report(incidents));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var bytesPerIncident = (after - before) / (double)incidents;
        BenchHost.Progress($"  heap: {bytesPerIncident:N0} bytes per open incident ({incidents:N0} open, {grains.GetType().Name})");

        BenchHost.Progress("driving 90 % through accept, assign, on site, handle, verify, close while the other 10 % breach");
        var driving = Stopwatch.GetTimestamp();
        var progress = ReportProgressAsync(observer);
        await RunAsync(incidents, concurrency, async i =>
        {
            if (i % unansweredEvery != 0)
            {
                await Drive(grains, dispatcher, IncidentIds.For("bench", $"e{i:D7}"));
            }
        });
        var drove = Stopwatch.GetElapsedTime(driving);
        var total = Stopwatch.GetElapsedTime(start);
        var transitions = observer.Transitions;
        BenchHost.Progress($"  lifecycles done in {drove.TotalSeconds:F1} s: {(transitions - afterReport) / drove.TotalSeconds:N0} transitions/s; breaches so far {observer.Breaches:N0}");
        var rate = (transitions - afterReport) / drove.TotalSeconds;
        BenchHost.Progress($"  overall, intake included: {transitions / total.TotalSeconds:N0} transitions/s");

        BenchHost.Progress($"waiting for every unanswered incident's breach ({observer.Breaches:N0} of {incidents / unansweredEvery:N0})");
        await observer.AllBreached.WaitAsync(TimeSpan.FromMinutes(5));
        observer.Stop();
        await progress;
        var p99 = observer.LagPercentile(99);
        BenchHost.Progress($"breach lag p50 {observer.LagPercentile(50):F0} ms, p99 {p99:F0} ms, max {observer.LagPercentile(100):F0} ms; {transitions:N0} transitions in {total.TotalSeconds:F1} s");
        await host.StopAsync();

        Console.WriteLine(FormattableString.Invariant(
            $"sla open_incidents={incidents} transitions_per_s={rate:F0} breach_lag_p99_ms={p99:F0} bytes_per_open_incident={bytesPerIncident:F0}"));
        return 0;
    }

    private static async Task<IHost> StartAsync(string connection, Observer observer)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IIncidentObserver>(observer);
        var city = CityLoader.DemoCityText()
            + $"\n  - {{ code: \"{FastCategory}\", name: bench-unanswered, kind: event, departments: [sanitation], sla: {{ accept: 20s }} }}\n";
        var file = Path.Combine(Path.GetTempPath(), $"citybrain-bench-city-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, city);
        builder.Services.AddActors().UsePostgres(connection).AddCityBrainGrains(o => o.CityFile = file);
        var host = builder.Build();
        await host.StartAsync();
        File.Delete(file);
        return host;
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

    /// <summary>Runs <paramref name="count"/> items with at most <paramref name="concurrency"/> in flight, in index order.</summary>
    private static Task RunAsync(int count, int concurrency, Func<int, Task> item)
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
