using System.Diagnostics;
using System.Globalization;
using CityBrain.Bench.Failover;
using CityBrain.Bench.Support;
using CityBrain.Contracts;
using CityBrain.Testing.Cluster;

namespace CityBrain.Bench.Outbox;

/// <summary>
/// The durable outbox end to end, across a silo kill: Release silo processes (three by default) in one cluster on
/// PostgreSQL (a private server, fsync on), configured to reply to the 12345 platform (<c>CityBrain:Replies:12345</c>)
/// through a signed webhook to a real HTTP receiver in this process (<see cref="HotlinePlatform"/>; each silo is given
/// its own callback path, so the receiver knows who delivered). The replies are made by the product: work orders
/// posted as the platform does, then a dispatcher's 受理 accept and 派遣 assign on each (two replies per work order;
/// with <c>close</c> also 到场, 处置, 核查 and 结案 close: three replies), through all silos (<see cref="WorkOrderLoad"/>).
/// Work orders start at rate / replies-per-order a second, so replies are made at about the rate. After a warm-up until the silos' JIT is quiet (<see cref="WarmUpAsync"/>; its
/// messages not counted), the silo that has delivered the most is killed with SIGKILL a third of the way in (the outbox
/// shards are spread over the silos by <c>[ShardPlacement]</c>: it holds its share of them; before that placement it held
/// all eight in 11 of 12 runs); it is not restarted — the survivors take over its outbox shards while the load goes on.
/// lag: from the step's time (the <c>at</c> of the reply's body — the incident grain's clock when it decided the step,
/// just before the journal append that commits it; so the lag includes the commit) to the receiver's 2xx, first
/// arrival of each idempotency key; steady: the lag of what arrived before the kill; before_kill / after_kill: of what
/// was committed before / after it. lost: replies of acknowledged steps that never arrived. reordered: first arrivals,
/// per incident, with a journal sequence below one already arrived. duplicates: keys that arrived again (allowed).
/// takeover_s: from the kill until every outbox shard the victim had been delivering delivered again from a survivor.
/// Arguments: rate of replies per second (1000), seconds of load (30), silos (3), steps (<c>assign</c> | <c>close</c>).
/// Ends with: outbox delivered_per_s=N lag_p99_ms=N lost=N reordered=N duplicates=N lag_p50_ms=N
///   lag_p99_steady_ms=N lag_p99_before_kill_ms=N lag_p99_after_kill_ms=N lag_max_ms=N takeover_s=R declared_dead_s=R silos=N offered_per_s=N
///   load_s=N (the seconds the load took: more than asked when the cluster fell behind) expected=N given_up=N
/// </summary>
internal static class OutboxKillBenchmark
{
    private const string Subscriber = "hotline-12345";
    private const string Key = "outbox-bench-key";
    private static readonly TimeSpan WarmUpSlice = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(120);

    /// <summary>The share of a warm-up slice's time under which the silos' background JIT counts as quiet.</summary>
    private const double QuietJitShare = 0.02;

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var silos = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var steps = args.Length > 3 && args[3] == "close" ? WorkOrderLoad.ToClose : WorkOrderLoad.AcceptAssign;
        var replies = steps.Count(s => s.Reply is not null);
        var ordersPerSecond = rate / (double)replies;

        await using var platform = await HotlinePlatform.StartAsync(Key);
        BenchHost.Progress($"starting PostgreSQL and {silos} Release silos replying to {platform.Url}; load average {BenchHost.LoadAverage()}");
        await using var cluster = await StartClusterAsync(silos, platform);
        var hotline = cluster.Token(new Actor { UserId = "12345-platform", Role = Role.Feed, Source = "12345" });
        var dispatcher = cluster.Token(new Actor { UserId = "bench-dispatcher", Role = Role.Dispatcher });

        await WarmUpAsync(cluster, platform, hotline, dispatcher, steps, ordersPerSecond);
        platform.Reset();
        var orders = (int)(ordersPerSecond * seconds);
        BenchHost.Progress($"{orders:N0} work orders at {ordersPerSecond:F0}/s ({replies} replies each: {rate:N0} replies/s) for {seconds} s; load average {BenchHost.LoadAverage()}");
        using var load = new WorkOrderLoad(cluster, hotline, dispatcher, steps, "B");
        var postmaster = await CpuSample.PostmasterPidAsync(cluster.ConnectionString);
        await using var connections = await ConnectionSampler.StartAsync(cluster.ConnectionString);
        var cpuBefore = Sample(cluster, postmaster);
        var startedAt = DateTimeOffset.UtcNow;
        var running = load.RunAsync(ordersPerSecond, orders);
        var (victim, killedAt, victimShards, declaredDead, cpu, steadyReplies) = await ReportUntilKillAsync(cluster, platform, load, running, TimeSpan.FromSeconds(seconds / 3.0), postmaster);
        BenchHost.Progress($"  until the kill, {(cpu - cpuBefore).PerOperation(steadyReplies)} (per reply delivered; silo process = all silos)");
        BenchHost.Progress($"  until the kill, {connections.Report()}");
        var peakBeforeKill = connections.Peak;
        connections.Reset();
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(5)));
            Report(platform, load);
        }

        await running;
        var loadSeconds = (DateTimeOffset.UtcNow - startedAt).TotalSeconds;
        BenchHost.Progress($"load done: {load.WorkOrders:N0} work orders, {load.StepsAcknowledged:N0} steps acknowledged, {load.Retries:N0} retries, {load.GivenUp.Count} given up; waiting for the deliveries");
        await WaitForAsync(platform, load, TimeSpan.FromMinutes(2));

        BenchHost.Progress($"  from the kill on, {connections.Report()}");
        var arrivals = platform.Arrivals;
        var expected = load.Expected.ToArray();
        var lost = expected.Count(e => !platform.Has(e.Incident, e.Status));
        var lags = Sorted(arrivals);
        var steady = Sorted(arrivals.Where(a => a.ArrivedAt < killedAt));
        var before = Sorted(arrivals.Where(a => a.At < killedAt));
        var after = Sorted(arrivals.Where(a => a.At >= killedAt));
        // A shard of the victim's that never delivered again from a survivor makes it -1.
        var takeover = victimShards.Count == 0 ? TimeSpan.Zero : victimShards.Max(shard =>
            arrivals.Where(a => a.Shard == shard && a.Silo != victim && a.ArrivedAt > killedAt).Select(a => a.ArrivedAt - killedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min());
        takeover = takeover == TimeSpan.MaxValue ? TimeSpan.FromSeconds(-1) : takeover;
        var span = arrivals.Count == 0 ? TimeSpan.Zero : arrivals.Max(a => a.ArrivedAt) - startedAt;
        var bySilo = arrivals.GroupBy(a => a.Silo).OrderBy(g => g.Key).Select(g => $"silo {g.Key}: {g.Count():N0}");
        BenchHost.Progress($"delivered {arrivals.Count:N0} of {expected.Length:N0} expected ({string.Join(", ", bySilo)}), {platform.Duplicates} duplicates, {platform.Refused} refused; lag p50 {P(lags, 50):F0} ms, p99 {P(lags, 99):F0} ms, max {P(lags, 100):F0} ms; arrived before the kill p99 {P(steady, 99):F0} ms; committed before the kill p99 {P(before, 99):F0} ms, after it p99 {P(after, 99):F0} ms; load average {BenchHost.LoadAverage()}");
        BenchHost.Progress($"  the victim's shards [{string.Join(',', victimShards.Order())}] delivered again from a survivor within {takeover.TotalSeconds:F1} s of the kill");
        var dead = await declaredDead;
        BenchHost.Progress($"  the victim was declared dead in the membership table {dead?.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) ?? "(not within 60 s)"} s after the kill; the survivors' warnings (their output in {SaveOutputs(cluster)}): {Warnings(cluster)}");
        foreach (var (incident, status) in expected.Where(e => !platform.Has(e.Incident, e.Status)).Take(10))
        {
            BenchHost.Progress($"  lost: {incident} {status}; {await DescribeAsync(cluster.ConnectionString, platform, incident)}");
        }

        foreach (var line in load.Failures.Select(f => $"  retried {f.Value}× {f.Key}").Concat(load.GivenUp.Take(5).Select(g => "  given up: " + g)).Concat(platform.ReorderedExamples.Select(r => "  reordered: " + r)))
        {
            BenchHost.Progress(line);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"outbox delivered_per_s={arrivals.Count / Math.Max(span.TotalSeconds, 1):F0} lag_p99_ms={P(lags, 99):F0} lost={lost} reordered={platform.Reordered} duplicates={platform.Duplicates} lag_p50_ms={P(lags, 50):F0} lag_p99_steady_ms={P(steady, 99):F0} lag_p99_before_kill_ms={P(before, 99):F0} lag_p99_after_kill_ms={P(after, 99):F0} lag_max_ms={P(lags, 100):F0} takeover_s={takeover.TotalSeconds:F1} declared_dead_s={dead?.TotalSeconds ?? -1:F1} silos={silos} offered_per_s={rate} load_s={loadSeconds:F0} expected={expected.Length} given_up={load.GivenUp.Count} pg_connections_peak_before_kill={peakBeforeKill} pg_connections_peak_after_kill={connections.Peak} pg_max_connections={connections.MaxConnections}"));
        return lost == 0 && platform.Reordered == 0 && load.GivenUp.IsEmpty && platform.Refused == 0 ? 0 : 1;
    }

    /// <summary>The silos, started together, each with its own callback path (the platform tells the deliverers
    /// apart).</summary>
    private static Task<ClusterHarness> StartClusterAsync(int silos, HotlinePlatform platform) =>
        ClusterHarness.StartAsync(
            silos,
            new Dictionary<string, string>
            {
                ["CityBrain:Replies:12345"] = Subscriber,
                [$"CityBrain:Outbox:Subscribers:{Subscriber}:Key"] = Key,
            },
            perSilo: i => new Dictionary<string, string> { [$"CityBrain:Outbox:Subscribers:{Subscriber}:Url"] = platform.CallbackFor(i).ToString() });

    /// <summary>Progress every 5 s until <paramref name="killAfter"/>, then kills the silo that has delivered the most.</summary>
    private static async Task<(int Victim, DateTimeOffset KilledAt, HashSet<int> Shards, Task<TimeSpan?> DeclaredDead, CpuSample Cpu, int Delivered)> ReportUntilKillAsync(
        ClusterHarness cluster, HotlinePlatform platform, WorkOrderLoad load, Task running, TimeSpan killAfter, int postmaster)
    {
        var started = Stopwatch.GetTimestamp();
        while (!running.IsCompleted && killAfter - Stopwatch.GetElapsedTime(started) is var left && left > TimeSpan.Zero)
        {
            if (left < TimeSpan.FromSeconds(5))
            {
                await Task.WhenAny(running, Task.Delay(left));
                break;
            }

            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(5)));
            Report(platform, load);
        }

        var cpu = Sample(cluster, postmaster);
        var arrivals = platform.Arrivals;
        var victim = cluster.LiveIndexes.MaxBy(i => arrivals.Count(a => a.Silo == i));
        var member = cluster.MemberOf(await cluster.MembersAsync(), victim);
        var shards = arrivals.Where(a => a.Silo == victim).Select(a => a.Shard).ToHashSet();
        BenchHost.Progress($"killing silo {victim} with SIGKILL (it delivered {arrivals.Count(a => a.Silo == victim):N0}, shards [{string.Join(',', shards.Order())}]); the load goes on");
        var killedAt = DateTimeOffset.UtcNow;
        var killed = Stopwatch.GetTimestamp();
        await cluster.KillAsync(victim);
        return (victim, killedAt, shards, FailoverBenchmark.WaitDeclaredDeadAsync(cluster, member, killed), cpu, arrivals.Count);
    }

    private static void Report(HotlinePlatform platform, WorkOrderLoad load) =>
        BenchHost.Progress($"  {load.WorkOrders:N0} work orders, {load.StepsAcknowledged:N0} steps acknowledged, {load.InFlight:N0} in flight, {load.Retries:N0} retries; {platform.Delivered:N0} replies delivered, {platform.Duplicates} duplicates; load average {BenchHost.LoadAverage()}");

    /// <summary>
    /// Work orders in slices of <see cref="WarmUpSlice"/> at a quarter of the measured rate (the assignments they leave
    /// open stay in 综治办's queue, which every view write carries whole), each slice's replies awaited, until the silos'
    /// background JIT took under <see cref="QuietJitShare"/> of two slices in a row, or <see cref="MaxWarmUp"/>. Measured
    /// cold, 19 % of the machine's CPU went to that JIT thread in the measured load (perf, 2026-12-05).
    /// </summary>
    private static async Task WarmUpAsync(ClusterHarness cluster, HotlinePlatform platform, string hotline, string dispatcher, IReadOnlyList<WorkOrderLoad.Step> steps, double ordersPerSecond)
    {
        var rate = Math.Max(10, ordersPerSecond / 4);
        BenchHost.Progress(FormattableString.Invariant($"warm-up, not counted: {WarmUpSlice.TotalSeconds:0} s slices of work orders at {rate:F0}/s until the silos' JIT is quiet"));
        var started = Stopwatch.GetTimestamp();
        var quiet = 0;
        for (var slice = 1; quiet < 2 && Stopwatch.GetElapsedTime(started) < MaxWarmUp; slice++)
        {
            var jit = TieredCompilation(cluster);
            var sliceStarted = Stopwatch.GetTimestamp();
            using (var warmUp = new WorkOrderLoad(cluster, hotline, dispatcher, steps, $"W{slice}-"))
            {
                await warmUp.RunAsync(rate, (int)(rate * WarmUpSlice.TotalSeconds));
                await WaitForAsync(platform, warmUp, TimeSpan.FromSeconds(60));
            }

            var share = (TieredCompilation(cluster) - jit) / Stopwatch.GetElapsedTime(sliceStarted);
            quiet = share < QuietJitShare ? quiet + 1 : 0;
            BenchHost.Progress(FormattableString.Invariant($"  warm-up: the silos' JIT took {share:P1} of slice {slice}"));
        }
    }

    /// <summary>What the receiver got for <paramref name="incident"/> and what the outbox table holds for it, to tell a
    /// message never written from one written and not delivered.</summary>
    private static async Task<string> DescribeAsync(string connectionString, HotlinePlatform platform, string incident)
    {
        var received = platform.Arrivals.Where(a => a.Incident == incident).Select(a => $"{a.Key}={a.Status}");
        var stored = new List<string>();
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT id, state, attempts, coalesce(last_error, ''), substr(payload, 1, 120) FROM outbox_message WHERE ordering_key = @k ORDER BY seq", connection);
        command.Parameters.AddWithValue("k", incident);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add($"{reader.GetString(0)} state {reader.GetInt16(1)} attempts {reader.GetInt32(2)} {reader.GetString(3)} {reader.GetString(4)}");
        }

        return $"received [{string.Join(", ", received)}]; outbox [{string.Join(" | ", stored)}]";
    }

    /// <summary>The background JIT's CPU so far, all live silos.</summary>
    private static TimeSpan TieredCompilation(ClusterHarness cluster) =>
        cluster.LiveIndexes.Aggregate(TimeSpan.Zero, (sum, i) => sum + CpuSample.TieredCompilation(cluster.Silos[i]!.ProcessId));

    /// <summary>Until every expected reply has arrived, or <paramref name="within"/> has passed.</summary>
    private static async Task WaitForAsync(HotlinePlatform platform, WorkOrderLoad load, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        var expected = load.Expected.ToArray();
        var missing = expected.Length;
        while (waited.Elapsed < within && (missing = expected.Count(e => !platform.Has(e.Incident, e.Status))) > 0)
        {
            // The silos deliver on their own time: poll what has arrived.
            await Task.Delay(200);
        }

        if (missing > 0)
        {
            BenchHost.Progress($"  {missing:N0} of {expected.Length:N0} expected replies not delivered within {within.TotalSeconds:0} s");
        }
    }

    /// <summary>CPU so far of this process, every live silo (summed as the silo) and PostgreSQL.</summary>
    private static CpuSample Sample(ClusterHarness cluster, int postmaster)
    {
        var silos = cluster.LiveIndexes.Aggregate(TimeSpan.Zero, (sum, i) => sum + CpuSample.Take(cluster.Silos[i]!.ProcessId, 0).Silo);
        return CpuSample.Take(0, postmaster) with { Silo = silos };
    }

    /// <summary>Writes each survivor's output to a temporary file, for a look after the run; returns the folder.</summary>
    private static string SaveOutputs(ClusterHarness cluster)
    {
        var folder = Directory.CreateTempSubdirectory("citybrain-outbox-kill-").FullName;
        foreach (var i in cluster.LiveIndexes)
        {
            File.WriteAllText(Path.Combine(folder, $"silo{i}.log"), cluster.Silos[i]!.Output);
        }

        return folder;
    }

    /// <summary>The survivors' warning and error lines, counted by category.</summary>
    private static string Warnings(ClusterHarness cluster)
    {
        var lines = cluster.LiveIndexes.SelectMany(i => cluster.Silos[i]!.Output.Split('\n'))
            .Select(line => line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length >= 3 && words[1] is "warn:" or "fail:" or "crit:")
            .GroupBy(words => $"{words[1]} {words[2]}")
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} ×{g.Count()}");
        return string.Join("; ", lines.DefaultIfEmpty("none"));
    }

    private static double[] Sorted(IEnumerable<HotlinePlatform.Arrival> arrivals) => arrivals.Select(a => a.Lag.TotalMilliseconds).Order().ToArray();

    private static double P(double[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
