using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Grpc;
using CityBrain.Testing;
using CityBrain.Testing.Cluster;
using Npgsql;

namespace CityBrain.Silo.Tests.Cluster;

/// <summary>
/// Real silo processes on loopback and one real PostgreSQL: clients submit events through every silo while one
/// silo is killed (SIGKILL), leaves gracefully (SIGTERM), or loses the database. Membership runs on real time
/// (leases are judged by the database clock), so these tests wait on observable state with timeouts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterProcessTests
{
    private const string AcceptTarget = "4s";

    [Fact]
    public async Task SiloKilledUnderLoad_LosesNoAcknowledgedEvent_ItsDeadlinesFireOnSurvivors_AndItRejoins()
    {
        await using var cluster = await ClusterHarness.StartAsync(3, acceptTarget: AcceptTarget);
        var load = new IntakeLoad(cluster, workers: 8, IntakeLoad.SimpleEvent);
        load.Start();
        await WaitForAcksAsync(load, 300);

        var before = await cluster.WaitForActiveMembersAsync(3);
        var victim = cluster.MemberOf(before, 1);
        var killedAt = DateTimeOffset.UtcNow;
        await cluster.KillAsync(1);
        await WaitForAcksAsync(load, load.Acked.Count + 600);
        await load.StopAsync();

        Assert.Empty(load.GivenUp);
        await cluster.WaitForActiveMembersAsync(2);
        foreach (var survivor in cluster.LiveIndexes)
        {
            var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, survivor);
            Assert.True(lost == 0 && duplicated == 0, $"through silo {survivor}: lost {lost}, duplicated {duplicated}: {string.Join("; ", problems.Take(10))}");
        }

        // Incidents the dead silo owned and had not yet breached: their accept deadlines fire on the survivors.
        var orphans = load.Acked.Values
            .Where(a => a.AckedAt > killedAt - TimeSpan.FromSeconds(3) && a.AckedAt < killedAt)
            .Where(a => ClusterHarness.OwnerOf(before, Verification.IncidentGrain(a.IncidentId)).Id == victim.Id)
            .Select(a => a.IncidentId)
            .ToList();
        Assert.NotEmpty(orphans);
        foreach (var incident in orphans)
        {
            var breach = await WaitForBreachAsync(cluster, incident, TimeSpan.FromSeconds(60));
            Assert.True(breach.Lateness < TimeSpan.FromSeconds(15), $"{incident}: breach fired {breach.Lateness} late");
        }

        // The killed silo restarts as a new member and takes its share of the grains again.
        await cluster.RestartAsync(1);
        var after = await cluster.WaitForActiveMembersAsync(3);
        var rejoined = cluster.MemberOf(after, 1);
        Assert.NotEqual(victim.Id, rejoined.Id);
        var ownedByRejoined = load.Acked.Values.Select(a => a.IncidentId)
            .Where(id => ClusterHarness.OwnerOf(after, Verification.IncidentGrain(id)).Id == rejoined.Id)
            .Take(50)
            .ToList();
        Assert.NotEmpty(ownedByRejoined);
        var headers = Admin(cluster);
        foreach (var incident in ownedByRejoined)
        {
            await cluster.Query(0).GetIncidentAsync(new GetIncidentRequest { IncidentId = incident, OmitJournal = true }, headers, DateTime.UtcNow.AddSeconds(30));
        }

        await WaitUntilAsync(async () => cluster.MemberOf(await cluster.MembersAsync(), 1).Activations >= ownedByRejoined.Count, TimeSpan.FromSeconds(30),
            "the rejoined silo never reported the activations it took back");
    }

    [Fact]
    public async Task GracefulLeaveUnderLoad_NoClientCallFails()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        var load = new IntakeLoad(cluster, workers: 8, IntakeLoad.SimpleEvent);
        load.Start();
        await WaitForAcksAsync(load, 300);

        // A load balancer stops sending new calls to a silo that is told to stop (its readiness goes down); calls
        // already on it finish. Every call from then on reaches the other silos, including calls for the grains
        // the leaving silo held: none of them may fail.
        var retriesBefore = load.Retries;
        var leaving = cluster.TerminateAsync(2, load.WhenNoCallsToAsync);
        var exitCode = await leaving;
        await WaitForAcksAsync(load, load.Acked.Count + 600);
        await load.StopAsync();

        Assert.Equal(0, exitCode);
        Assert.Empty(load.GivenUp);
        Assert.Equal(retriesBefore, load.Retries);
        var members = await cluster.MembersAsync();
        Assert.Equal(2, members.Count(m => m.Status == SiloStatus.Active));
        var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, 0);
        Assert.True(lost == 0 && duplicated == 0, string.Join("; ", problems.Take(10)));
    }

    [Fact]
    public async Task CityLoadedThroughOneSilo_IsInstalledOnTheOthers()
    {
        await using var cluster = await ClusterHarness.StartAsync(2, new Dictionary<string, string>
        {
            ["Logging:LogLevel:CityBrain.Grains.City"] = "Information",
        });
        var feed = new Metadata { { "authorization", "Bearer " + cluster.FeedToken } };
        var admin = new Metadata { { "authorization", "Bearer " + cluster.AdminToken } };
        var newCategory = IntakeLoad.SimpleEvent(700_000);
        newCategory.CategoryCode = "98.77";

        // Silo 1 validates intake against its own copy of the city: the category does not exist yet.
        var before = await Assert.ThrowsAsync<RpcException>(() => cluster.Intake(1).SubmitAsync(new SubmitRequest { Event = newCategory }, feed).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, before.StatusCode);
        Assert.Contains("category_code", before.Status.Detail, StringComparison.Ordinal);

        var text = RepositoryFiles.Read("deploy/demo/city.yaml")
            + "\n  - { code: \"98.77\", name: cluster-test, kind: event, departments: [sanitation] }\n";
        var loaded = await new Admin.AdminClient(cluster.Channel(0)).LoadCityAsync(new LoadCityRequest { Text = text, FileName = "city.yaml" }, admin);
        await cluster.Silos[1]!.WaitForOutputAsync($"City definition version {loaded.Version} installed from storage", TimeSpan.FromSeconds(30));

        var ack = await cluster.Intake(1).SubmitAsync(new SubmitRequest { Event = newCategory }, feed);
        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
    }

    [Fact]
    public async Task SiloLosesTheDatabase_FencesItself_WritesNothing_AndExitsWhenItFindsItselfDead()
    {
        await using var cluster = await ClusterHarness.StartAsync(2);
        var direct = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        var isolated = await cluster.AddSiloAsync(new Dictionary<string, string> { ["CityBrain:Actors:Storage:ConnectionString"] = proxied });
        var members = await cluster.WaitForActiveMembersAsync(3);
        var isolatedMember = cluster.MemberOf(members, isolated);
        var process = cluster.Silos[isolated]!;
        var feed = new Metadata { { "authorization", "Bearer " + cluster.FeedToken } };

        proxy.Pause();
        await cluster.WaitForActiveMembersAsync(2, TimeSpan.FromSeconds(30)); // the others declared it dead
        using (var http = new HttpClient())
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"{process.HttpUrl}/readyz")).StatusCode);
        }

        // Cut off, it still forwards calls for grains that others own (they store them), but it serves none of the
        // grains it owned in its last view: those calls are refused and nothing of them is written.
        var refused = new List<string>();
        var forwarded = new List<(string EventId, string IncidentId)>();
        for (var sequence = 900_000L; refused.Count < 3; sequence++)
        {
            var intake = IntakeLoad.SimpleEvent(sequence);
            var ownedHere = ClusterHarness.OwnerOf(members, Verification.IncidentGrain(IncidentIds(intake))).Id == isolatedMember.Id;
            try
            {
                var ack = await cluster.Intake(isolated).SubmitAsync(new SubmitRequest { Event = intake }, feed, DateTime.UtcNow.AddSeconds(10));
                Assert.False(ownedHere, $"{intake.SourceEventId} was acknowledged by the fenced silo that owned it");
                forwarded.Add((intake.SourceEventId, ack.IncidentId));
            }
            catch (RpcException exception) when (ownedHere)
            {
                Assert.Contains(exception.StatusCode, new[] { StatusCode.Unavailable, StatusCode.DeadlineExceeded });
                refused.Add(IncidentIds(intake));
            }
        }

        proxy.Resume();
        Assert.Equal(75, await process.Exited.WaitAsync(TimeSpan.FromSeconds(60)));

        var admin = Admin(cluster);
        foreach (var incident in refused)
        {
            var missing = await Assert.ThrowsAsync<RpcException>(() => cluster.Query(0).GetIncidentAsync(new GetIncidentRequest { IncidentId = incident }, admin, DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        }

        foreach (var (eventId, incident) in forwarded)
        {
            var detail = await cluster.Query(1).GetIncidentAsync(new GetIncidentRequest { IncidentId = incident }, admin, DateTime.UtcNow.AddSeconds(30));
            Assert.Equal(eventId, detail.Incident.SourceEventId);
        }
    }

    /// <summary>The incident id intake derives from an event (source + source event id).</summary>
    private static string IncidentIds(IntakeEvent intake) => CityBrain.Grains.Incidents.IncidentIds.For(intake.Source, intake.SourceEventId);

    private static Metadata Admin(ClusterHarness cluster) => new() { { "authorization", "Bearer " + cluster.AdminToken } };

    private static async Task WaitForAcksAsync(IntakeLoad load, int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(long acked)
        {
            if (acked >= count)
            {
                reached.TrySetResult();
            }
        }

        load.AckCounted += Check;
        try
        {
            Check(load.Acked.Count);
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            load.AckCounted -= Check;
        }
    }

    private static async Task<(DateTimeOffset At, TimeSpan Lateness)> WaitForBreachAsync(ClusterHarness cluster, string incidentId, TimeSpan within)
    {
        var headers = Admin(cluster);
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var detail = await cluster.Query(0).GetIncidentAsync(new GetIncidentRequest { IncidentId = incidentId }, headers, DateTime.UtcNow.AddSeconds(30));
            var breach = detail.Journal.Entries.FirstOrDefault(e => e.Event.KindCase == IncidentEvent.KindOneofCase.SlaBreached);
            if (breach is not null)
            {
                var due = detail.Incident.ReportedAt.ToDateTimeOffset() + TimeSpan.FromSeconds(4);
                var at = breach.RecordedAt.ToDateTimeOffset();
                return (at, at - due);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{incidentId} never breached its accept deadline");
            }

            await Task.Delay(250); // the deadline fires in another process: poll its journal
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, string failure)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failure);
            }

            await Task.Delay(250); // state of other processes: poll
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster processes";
}
