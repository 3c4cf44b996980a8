using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using Grpc.Core;

namespace CityBrain.Testing.Cluster;

/// <summary>What every acknowledged event must satisfy after a failure, checked through the API.</summary>
public static class Verification
{
    /// <summary>Reads every acknowledged event's incident through silo <paramref name="silo"/>. Lost: not found, or
    /// not the event's incident. Duplicated: a journal with more than one report, or two events on one incident.</summary>
    public static async Task<(int Lost, int Duplicated, List<string> Problems)> CheckAsync(
        ClusterHarness cluster, IntakeLoad load, int silo, int parallelism = 16)
    {
        var headers = new Metadata { { "authorization", "Bearer " + cluster.AdminToken } };
        var query = cluster.Query(silo);
        var problems = new List<string>();
        var lost = 0;
        var duplicated = 0;
        var byIncident = load.Acked.GroupBy(a => a.Value.IncidentId).Where(g => g.Count() > 1).ToList();
        duplicated += byIncident.Count;
        problems.AddRange(byIncident.Select(g => $"incident {g.Key} acknowledged for {g.Count()} events"));
        await Parallel.ForEachAsync(load.Acked, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (acked, cancellationToken) =>
        {
            try
            {
                var detail = await query.GetIncidentAsync(new GetIncidentRequest { IncidentId = acked.Value.IncidentId }, headers, DateTime.UtcNow.AddSeconds(30), cancellationToken);
                var reports = detail.Journal.Entries.Count(e => e.Event.KindCase == IncidentEvent.KindOneofCase.Reported);
                if (detail.Incident.SourceEventId != acked.Key || detail.Incident.Source != ClusterHarness.LoadSource)
                {
                    lock (problems)
                    {
                        lost++;
                        problems.Add($"{acked.Key}: incident {acked.Value.IncidentId} is for {detail.Incident.Source}/{detail.Incident.SourceEventId}");
                    }
                }
                else if (reports != 1)
                {
                    lock (problems)
                    {
                        duplicated++;
                        problems.Add($"{acked.Key}: incident {acked.Value.IncidentId} was reported {reports} times");
                    }
                }
            }
            catch (RpcException exception)
            {
                lock (problems)
                {
                    lost++;
                    problems.Add($"{acked.Key}: incident {acked.Value.IncidentId} not readable through silo {silo}: {exception.Status}");
                }
            }
        });
        return (lost, duplicated, problems);
    }
}
