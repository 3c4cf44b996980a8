using System.Collections.Concurrent;
using System.Diagnostics;
using CityBrain.Bench.Support;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using Grpc.Core;
using CityBrain.Storage.Internal;
using CityBrain.Testing.Cluster;

namespace CityBrain.Bench.Failover;

/// <summary>
/// Three Release silo processes in one Orleans cluster (ADO.NET membership on PostgreSQL, a city whose accept target is
/// 5 s) under steady intake through all of them (32 feeds, a failed call is sent again to another silo); the silo
/// running the most deadline shards is killed with SIGKILL.
/// recovery_s: from the kill until every event acknowledged before it reads back through a survivor and intake
/// through the survivors succeeds without retries — the later of: the end of the last intake call that failed, and
/// the first successful read of the last pre-kill incident whose read had failed (all pre-kill incidents are read,
/// shuffled, 32 at a time, from the moment of the kill; a read that fails is retried every 100 ms through the other
/// survivor; reads that never failed show that the cluster already answered for that grain).
/// deadline_lag_s: the worst lateness of the accept breach (the time the breach was recorded against its clock's due
/// time) of the incidents reported in the accept target before the kill whose deadline shard ran on the dead silo;
/// the same over every shard is printed too.
/// Ends with: failover silos=3 acked=N lost=N duplicated=N recovery_s=R deadline_lag_s=R intake_recovery_s=R
///   read_recovery_s=R declared_dead_s=R all_shards_deadline_lag_s=R
/// </summary>
internal static class FailoverBenchmark
{
    private static readonly TimeSpan AcceptTarget = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        BenchHost.Progress($"starting PostgreSQL and three Release silos; load average {BenchHost.LoadAverage()}");
        await using var cluster = await ClusterHarness.StartAsync(3, acceptTarget: $"{AcceptTarget.TotalSeconds}s");
        var load = new IntakeLoad(cluster, workers: 32, IntakeLoad.SimpleEvent);
        load.Start();
        BenchHost.Progress("steady intake for 10 s");
        await Task.Delay(TimeSpan.FromSeconds(10));

        var members = await cluster.WaitForActiveMembersAsync(3);
        var shardsOn = Enumerable.Range(0, 3).Select(cluster.DeadlineShardsOn).ToArray();
        var victimIndex = Enumerable.Range(0, 3).MaxBy(i => shardsOn[i].Count);
        var victim = cluster.MemberOf(members, victimIndex);
        var victimShards = shardsOn[victimIndex];
        var survivors = Enumerable.Range(0, 3).Where(i => i != victimIndex).ToArray();
        BenchHost.Progress($"deadline shards by silo: {string.Join("; ", Enumerable.Range(0, 3).Select(i => $"silo {i}: [{string.Join(',', shardsOn[i].Order())}]"))}");
        BenchHost.Progress($"{load.Acked.Count:N0} acknowledged, {load.Retries} retries so far; killing silo {victimIndex} ({victim}, {victimShards.Count} shards) with SIGKILL");
        var killedAt = DateTimeOffset.UtcNow;
        var killed = Stopwatch.GetTimestamp();
        await cluster.KillAsync(victimIndex);
        var declaredDead = WaitDeclaredDeadAsync(cluster, victim, killed);

        // Every event acknowledged before the kill, read back through the survivors from now on.
        var preKill = load.Acked.Where(a => a.Value.AckedAt <= killedAt).Select(a => a.Value.IncidentId).ToArray();
        new Random(11).Shuffle(preKill);
        var headers = new Metadata { { "authorization", "Bearer " + cluster.AdminToken } };
        var failedReads = 0;
        var lastRecovered = TimeSpan.Zero;
        var unreadable = new ConcurrentBag<string>();
        await Load.RunAsync(preKill.Length, 32, async i =>
        {
            var failed = false;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await cluster.Query(survivors[(i + attempt) % survivors.Length]).GetIncidentAsync(
                        new GetIncidentRequest { IncidentId = preKill[i], OmitJournal = true }, headers, DateTime.UtcNow.AddSeconds(5));
                    break;
                }
                catch (RpcException) when (Stopwatch.GetElapsedTime(killed) < TimeSpan.FromMinutes(2))
                {
                    failed = true;
                    await Task.Delay(100);
                }
                catch (RpcException exception)
                {
                    unreadable.Add($"{preKill[i]}: {exception.Status}");
                    return;
                }
            }

            if (failed)
            {
                var at = Stopwatch.GetElapsedTime(killed);
                lock (unreadable)
                {
                    failedReads++;
                    lastRecovered = at > lastRecovered ? at : lastRecovered;
                }
            }
        });
        var swept = Stopwatch.GetElapsedTime(killed);
        BenchHost.Progress($"all {preKill.Length:N0} pre-kill incidents read back through survivors {swept.TotalSeconds:F1} s after the kill; {failedReads} reads failed at first, the last of them answered {lastRecovered.TotalSeconds:F1} s after the kill; {unreadable.Count} unreadable");
        if (failedReads == 0)
        {
            BenchHost.Progress("  note: no read failed — no grain of the dead silo was reached before the cluster answered for it again");
        }

        BenchHost.Progress("intake continues for 10 s");
        await Task.Delay(TimeSpan.FromSeconds(10));
        var lastFailure = load.LastFailureAt;
        var intakeRecovery = lastFailure is { } failure && failure > killedAt ? failure - killedAt : TimeSpan.Zero;
        await load.StopAsync();
        var dead = await declaredDead;
        var recovery = intakeRecovery > lastRecovered ? intakeRecovery : lastRecovered;
        BenchHost.Progress($"{load.Acked.Count:N0} acknowledged in all, {load.Retries:N0} client retries ({string.Join(", ", load.Failures.Select(f => $"{f.Key}: {f.Value}"))}), {load.GivenUp.Count} given up; the last failed intake call ended {intakeRecovery.TotalSeconds:F1} s after the kill; the dead silo was declared dead in the membership table after {dead?.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "(not within 60 s)"} s");
        foreach (var (code, example) in load.FailureExamples)
        {
            BenchHost.Progress($"  {code}: {example}");
        }

        // The accept deadlines pending at the kill: incidents reported within the accept target before it.
        var pending = load.Acked.Where(a => a.Value.AckedAt > killedAt - AcceptTarget && a.Value.AckedAt <= killedAt).Select(a => a.Value.IncidentId).ToList();
        var orphaned = pending.Count(id => victimShards.Contains(Shards.Of(new StoredGrain("incident", id))));
        BenchHost.Progress($"checking the {pending.Count:N0} accept deadlines pending at the kill ({orphaned:N0} of them on the dead silo's shards)");
        var lags = new ConcurrentBag<(bool Orphaned, TimeSpan Lag)>();
        var neverFired = 0;
        await Load.RunAsync(pending.Count, 16, async i =>
        {
            var id = pending[i];
            if (await BreachLatenessAsync(cluster, survivors[i % survivors.Length], id, headers) is { } lag)
            {
                lags.Add((victimShards.Contains(Shards.Of(new StoredGrain("incident", id))), lag));
            }
            else
            {
                Interlocked.Increment(ref neverFired);
            }
        });
        var orphanLags = lags.Where(l => l.Orphaned).Select(l => l.Lag.TotalSeconds).Order().ToArray();
        var allLags = lags.Select(l => l.Lag.TotalSeconds).Order().ToArray();
        var worstOrphan = orphanLags.Length > 0 ? orphanLags[^1] : 0;
        var worstAll = allLags.Length > 0 ? allLags[^1] : 0;
        BenchHost.Progress(FormattableString.Invariant(
            $"  dead silo's shards: worst lateness {worstOrphan:F1} s, median {Median(orphanLags):F1} s ({orphanLags.Length}); every shard: worst {worstAll:F1} s, median {Median(allLags):F1} s ({allLags.Length}); {neverFired} did not fire within 2 minutes"));

        BenchHost.Progress("checking every acknowledged event through a survivor");
        var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, survivors[0]);
        foreach (var problem in problems.Concat(unreadable).Take(10))
        {
            BenchHost.Progress("  " + problem);
        }

        BenchHost.Progress($"load average {BenchHost.LoadAverage()}");
        Console.WriteLine(FormattableString.Invariant(
            $"failover silos=3 acked={load.Acked.Count} lost={lost} duplicated={duplicated} recovery_s={recovery.TotalSeconds:F1} deadline_lag_s={worstOrphan:F1} intake_recovery_s={intakeRecovery.TotalSeconds:F1} read_recovery_s={lastRecovered.TotalSeconds:F1} declared_dead_s={dead?.TotalSeconds ?? -1:F1} all_shards_deadline_lag_s={worstAll:F1}"));

        // Given-up events were never acknowledged (so not lost), but a client call failed for good: that fails the run too.
        return lost == 0 && duplicated == 0 && neverFired == 0 && unreadable.IsEmpty && load.GivenUp.IsEmpty ? 0 : 1;
    }

    private static double Median(double[] sorted) => sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];

    /// <summary>How long after the kill the membership table first shows the victim dead; null if not within 60 s.</summary>
    internal static async Task<TimeSpan?> WaitDeclaredDeadAsync(ClusterHarness cluster, Member victim, long killed)
    {
        while (Stopwatch.GetElapsedTime(killed) < TimeSpan.FromSeconds(60))
        {
            var row = (await cluster.MembersAsync()).FirstOrDefault(m => m.Port == victim.Port && m.Generation == victim.Generation);
            if (row?.Status == MemberStatus.Dead)
            {
                return Stopwatch.GetElapsedTime(killed);
            }

            await Task.Delay(100);
        }

        return null;
    }

    /// <summary>How late the incident's accept breach was recorded against the clock's due time; null if none within 2 minutes.</summary>
    private static async Task<TimeSpan?> BreachLatenessAsync(ClusterHarness cluster, int silo, string incidentId, Metadata headers)
    {
        var giveUp = Stopwatch.StartNew();
        while (giveUp.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                var detail = await cluster.Query(silo).GetIncidentAsync(new GetIncidentRequest { IncidentId = incidentId, OmitJournal = true }, headers, DateTime.UtcNow.AddSeconds(30));
                var accept = detail.Incident.Clocks.FirstOrDefault(c => c.Kind == SlaClockKind.Accept);
                if (accept?.BreachedAt is { } breached)
                {
                    return breached.ToDateTimeOffset() - accept.DueAt.ToDateTimeOffset();
                }
            }
            catch (RpcException)
            {
            }

            await Task.Delay(250);
        }

        return null;
    }
}
