using System.Diagnostics;
using CityBrain.Bench.Support;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Grpc;
using CityBrain.Testing.Cluster;

namespace CityBrain.Bench.Failover;

/// <summary>
/// Three Release silos on PostgreSQL under steady intake through all of them; one is killed with SIGKILL.
/// Ends with: failover silos=3 acked=N lost=N duplicated=N recovery_s=R deadline_lag_s=R, where recovery is the
/// time from the kill until calls for the dead silo's grains succeed again, and the deadline lag the worst lateness
/// of an SLA deadline the dead silo owned.
/// </summary>
internal static class FailoverBenchmark
{
    private static readonly TimeSpan AcceptTarget = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        BenchHost.Progress("starting PostgreSQL and three Release silos");
        await using var cluster = await ClusterHarness.StartAsync(3, acceptTarget: $"{AcceptTarget.TotalSeconds}s");
        var load = new IntakeLoad(cluster, workers: 32, IntakeLoad.SimpleEvent);
        load.Start();
        BenchHost.Progress("steady intake for 10 s");
        await Task.Delay(TimeSpan.FromSeconds(10));

        var before = await cluster.WaitForActiveMembersAsync(3);
        var victim = cluster.MemberOf(before, 1);
        var ackedBefore = load.Acked.ToArray();
        var killedAt = DateTimeOffset.UtcNow;
        var killed = Stopwatch.GetTimestamp();
        BenchHost.Progress($"{ackedBefore.Length:N0} acknowledged; killing silo {victim.Id} (SIGKILL)");
        await cluster.KillAsync(1);

        // Recovery: calls for grains the dead silo owned, through a survivor, until every one succeeds.
        var probes = ackedBefore.Select(a => a.Value.IncidentId)
            .Where(id => ClusterHarness.OwnerOf(before, Verification.IncidentGrain(id)).Id == victim.Id)
            .Take(64)
            .ToList();
        var headers = new Metadata { { "authorization", "Bearer " + cluster.AdminToken } };
        var recovered = await Task.WhenAll(probes.Select(async incident =>
        {
            while (true)
            {
                try
                {
                    await cluster.Query(0).GetIncidentAsync(new GetIncidentRequest { IncidentId = incident, OmitJournal = true }, headers, DateTime.UtcNow.AddSeconds(5));
                    return Stopwatch.GetElapsedTime(killed);
                }
                catch (RpcException)
                {
                    await Task.Delay(50);
                }
            }
        }));
        if (probes.Count == 0)
        {
            throw new InvalidOperationException($"No acknowledged incident was owned by silo {victim.Id} before the kill: recovery cannot be measured.");
        }

        var recovery = recovered.Max();
        BenchHost.Progress($"calls for the dead silo's grains succeed again after {recovery.TotalSeconds:F1} s");

        BenchHost.Progress("intake continues for 10 s");
        await Task.Delay(TimeSpan.FromSeconds(10));
        await load.StopAsync();
        BenchHost.Progress($"{load.Acked.Count:N0} acknowledged in all, {load.Retries:N0} client retries, {load.GivenUp.Count} given up");

        // Deadlines the dead silo owned and had not fired yet when it died.
        var orphans = ackedBefore
            .Where(a => a.Value.AckedAt > killedAt - AcceptTarget && ClusterHarness.OwnerOf(before, Verification.IncidentGrain(a.Value.IncidentId)).Id == victim.Id)
            .Select(a => a.Value.IncidentId)
            .ToList();
        BenchHost.Progress($"waiting for the {orphans.Count} accept deadlines the dead silo owned");
        var worstLag = TimeSpan.Zero;
        var neverFired = 0;
        foreach (var incident in orphans)
        {
            if (await BreachLatenessAsync(cluster, incident, headers) is { } lag)
            {
                worstLag = Max(worstLag, lag);
            }
            else
            {
                neverFired++;
            }
        }

        if (neverFired > 0)
        {
            BenchHost.Progress($"  {neverFired} of those deadlines did not fire within 2 minutes");
        }

        BenchHost.Progress("checking every acknowledged event through a survivor");
        var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, 0);
        foreach (var problem in problems.Take(10))
        {
            BenchHost.Progress("  " + problem);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"failover silos=3 acked={load.Acked.Count} lost={lost} duplicated={duplicated} recovery_s={recovery.TotalSeconds:F1} deadline_lag_s={worstLag.TotalSeconds:F1}"));

        // Given-up events were never acknowledged (so not lost), but a client call failed for good: that fails the run too.
        return lost == 0 && duplicated == 0 && neverFired == 0 && load.GivenUp.IsEmpty ? 0 : 1;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>How late the incident's accept breach was journaled; null if none within 2 minutes.</summary>
    private static async Task<TimeSpan?> BreachLatenessAsync(ClusterHarness cluster, string incidentId, Metadata headers)
    {
        var giveUp = Stopwatch.StartNew();
        while (giveUp.Elapsed < TimeSpan.FromMinutes(2))
        {
            var detail = await cluster.Query(0).GetIncidentAsync(new GetIncidentRequest { IncidentId = incidentId }, headers, DateTime.UtcNow.AddSeconds(30));
            var breach = detail.Journal.Entries.FirstOrDefault(e => e.Event.KindCase == IncidentEvent.KindOneofCase.SlaBreached);
            if (breach is not null)
            {
                return breach.RecordedAt.ToDateTimeOffset() - (detail.Incident.ReportedAt.ToDateTimeOffset() + AcceptTarget);
            }

            await Task.Delay(250);
        }

        return null;
    }
}
