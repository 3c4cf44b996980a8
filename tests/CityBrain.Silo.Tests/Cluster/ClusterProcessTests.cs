using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using Grpc.Core;
using CityBrain.Testing;
using CityBrain.Testing.Cluster;
using Npgsql;

namespace CityBrain.Silo.Tests.Cluster;

/// <summary>
/// Real silo processes on loopback forming one Orleans cluster on one real PostgreSQL: clients submit events through
/// every silo while one silo is killed (SIGKILL), leaves gracefully (SIGTERM), or the database goes away. Membership
/// runs on real time (silos probe each other), so these tests wait on observable state with timeouts.
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

        // The victim is the silo that runs the most deadline shards (the first silo up often holds them all).
        var victimIndex = cluster.LiveIndexes.MaxBy(i => cluster.DeadlineShardsOn(i).Count);
        var victimShards = cluster.DeadlineShardsOn(victimIndex);
        Assert.NotEmpty(victimShards);
        var before = await cluster.WaitForActiveMembersAsync(3);
        var victim = cluster.MemberOf(before, victimIndex);
        var killedAt = DateTimeOffset.UtcNow;
        await cluster.KillAsync(victimIndex);
        await WaitForAcksAsync(load, load.Acked.Count + 600);
        await load.StopAsync();

        Assert.Empty(load.GivenUp);
        await cluster.WaitForActiveMembersAsync(2);
        foreach (var survivor in cluster.LiveIndexes)
        {
            var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, survivor);
            Assert.True(lost == 0 && duplicated == 0, $"through silo {survivor}: lost {lost}, duplicated {duplicated}: {string.Join("; ", problems.Take(10))}");
        }

        // The victim's deadline shards were activated again on the survivors, and the accept deadlines of the incidents
        // reported just before the kill (spread over every shard, the victim's included) fire in time.
        await WaitUntilAsync(() => Task.FromResult(victimShards.All(shard => cluster.LiveIndexes.Any(i => cluster.DeadlineShardsOn(i).Contains(shard)))),
            TimeSpan.FromSeconds(30), $"shards {string.Join(", ", victimShards)} of the killed silo were not activated on a survivor");
        var recent = load.Acked.Values
            .Where(a => a.AckedAt > killedAt - TimeSpan.FromSeconds(3) && a.AckedAt < killedAt)
            .Select(a => a.IncidentId)
            .ToList();
        Assert.NotEmpty(recent);
        foreach (var incident in recent)
        {
            var breach = await WaitForBreachAsync(cluster, incident, TimeSpan.FromSeconds(60));
            Assert.True(breach.Lateness < TimeSpan.FromSeconds(15), $"{incident}: breach fired {breach.Lateness} late");
        }

        // The killed silo restarts as a new member (a new generation) and serves calls again.
        await cluster.RestartAsync(victimIndex);
        var after = await cluster.WaitForActiveMembersAsync(3);
        var rejoined = cluster.MemberOf(after, victimIndex);
        Assert.NotEqual(victim.Generation, rejoined.Generation);
        var headers = Admin(cluster);
        foreach (var incident in load.Acked.Values.Select(a => a.IncidentId).Take(50))
        {
            await cluster.Query(victimIndex).GetIncidentAsync(new GetIncidentRequest { IncidentId = incident, OmitJournal = true }, headers, DateTime.UtcNow.AddSeconds(30));
        }
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
        Assert.True(retriesBefore == load.Retries, $"calls failed during the graceful leave: {string.Join(", ", load.Failures.Select(f => $"{f.Key} x{f.Value}"))}");
        var members = await cluster.WaitForActiveMembersAsync(2);
        Assert.Equal(2, members.Count);
        var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, 0);
        Assert.True(lost == 0 && duplicated == 0, string.Join("; ", problems.Take(10)));
    }

    [Fact]
    public async Task SilosCommand_ListsTheOrleansMembership_ActiveThenDead()
    {
        await using var cluster = await ClusterHarness.StartAsync(2);
        string[] arguments = ["silos", .. cluster.Settings.Where(s => s.Key.StartsWith("CityBrain:Storage:", StringComparison.Ordinal) || s.Key == "CityBrain:Cluster:ClusterId").Select(s => $"--{s.Key}={s.Value}")];

        var (exit, output) = await ToolProcess.RunSiloAsync(arguments, TimeSpan.FromMinutes(1));
        Assert.Equal(0, exit);
        Assert.Equal(2, CountOf(output, "active"));
        Assert.All(cluster.LiveIndexes, i => Assert.Contains($"127.0.0.1:{cluster.Silos[i]!.SiloPort}", output, StringComparison.Ordinal));

        await cluster.KillAsync(1);
        await cluster.WaitForActiveMembersAsync(1);
        (exit, output) = await ToolProcess.RunSiloAsync(arguments, TimeSpan.FromMinutes(1));
        Assert.Equal(0, exit);
        Assert.Equal(1, CountOf(output, "active"));
        Assert.Equal(1, CountOf(output, "dead"));
    }

    /// <summary>
    /// Issue 17: a silo that falls silent while it joins (frozen with SIGSTOP for 8 s as soon as its row says
    /// <c>Joining</c>: the time a silo restarting on a busy machine went without answering) keeps its place and becomes
    /// active; with 1 s probes it was voted dead and exited. A silo whose process is gone is still declared dead within
    /// seconds, by its host's refusals (<c>GoneSiloDetector</c>): two killed at once leave a lone survivor that needs no
    /// second vote and no stale heartbeats (21–28 s before).
    /// </summary>
    [Fact]
    public async Task SiloSilentWhileJoiningKeepsItsPlace_KilledSilosAreDeclaredDeadWithinSeconds()
    {
        await using var cluster = await ClusterHarness.StartAsync(3);
        await cluster.KillAsync(1);
        var frozenFor = TimeSpan.Zero;

        // Joining lasts a few milliseconds on a fast machine, too short to catch by polling (CI once saw the silo only
        // once it was active): the table holds the restarted silo in Joining until it is frozen.
        await using var hold = await cluster.HoldJoiningAsync();
        await cluster.RestartAsync(1, whileStarting: async silo =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while ((await cluster.MembersAsync()).FirstOrDefault(m => m.Port == silo.SiloPort)?.Status is not MemberStatus.Joining and var status)
            {
                Assert.True(DateTime.UtcNow < deadline && !silo.Exited.IsCompleted && status is not MemberStatus.Active,
                    $"the restarted silo was not seen joining (it is {status?.ToString() ?? "not in the table"})");
                await Task.Delay(50);
            }

            // The fault injected is a span of silence, so it is timed; nothing here waits for the cluster by the clock.
            // The hold ends while the silo is frozen: once resumed, it is free to become active at its next try.
            await silo.SignalAsync("STOP");
            var frozen = System.Diagnostics.Stopwatch.StartNew();
            await hold.ReleaseAsync();
            await Task.Delay(TimeSpan.FromSeconds(8));
            await silo.SignalAsync("CONT");
            frozenFor = frozen.Elapsed;
        });

        var members = await cluster.WaitForActiveMembersAsync(3);
        Assert.False(cluster.Silos[1]!.Exited.IsCompleted, $"the silo frozen while joining exited:\n{Tail(cluster.Silos[1]!.Output)}");
        Assert.DoesNotContain(await cluster.MembersAsync(), m => m.Port == cluster.Silos[1]!.SiloPort && m.Status == MemberStatus.Dead);

        var victims = new[] { 1, 2 }.Select(i => cluster.MemberOf(members, i)).ToList();
        var killedAt = DateTimeOffset.UtcNow;
        await Task.WhenAll(new[] { 1, 2 }.Select(cluster.KillAsync));
        await WaitUntilAsync(async () => (await cluster.MembersAsync()).Count(m => m.Status == MemberStatus.Dead && victims.Any(v => v.Port == m.Port && v.Generation == m.Generation)) == 2,
            TimeSpan.FromSeconds(15), "the lone survivor did not declare both killed silos dead within 15 s");
        Assert.Contains("refused 3 connections in a row", cluster.Silos[0]!.Output, StringComparison.Ordinal);
        Console.WriteLine($"frozen_while_joining_s={frozenFor.TotalSeconds:F1} kept=1 lone_survivor_verdict_s={(DateTimeOffset.UtcNow - killedAt).TotalSeconds:F1}");
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));

    private static int CountOf(string text, string word) => text.Split(word).Length - 1;

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
    public async Task DatabaseUnreachableUnderLoad_CallsFailRetryably_NoAcknowledgedEventLost_NoSiloExits()
    {
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var database = await server.CreateDatabaseAsync("cluster");
        var direct = new NpgsqlConnectionStringBuilder(database);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(database) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        await using var cluster = await ClusterHarness.StartAsync(2, connectionString: proxied);
        var load = new IntakeLoad(cluster, workers: 8, IntakeLoad.SimpleEvent);
        load.Start();
        await WaitForAcksAsync(load, 300);

        proxy.Pause();
        var failuresAtPause = load.Failures.Values.Sum();
        await WaitUntilAsync(() => Task.FromResult(load.Failures.Values.Sum() > failuresAtPause + 20), TimeSpan.FromSeconds(60),
            "no call failed while the database was unreachable");
        proxy.Resume();
        await WaitForAcksAsync(load, load.Acked.Count + 600);
        await load.StopAsync();

        Assert.Empty(load.GivenUp);
        Assert.True(load.Failures.Keys.All(code => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded),
            "non-retryable failures: " + string.Join("; ", load.FailureExamples.Select(f => $"{f.Key} x{load.Failures[f.Key]}: {f.Value}")));
        Assert.All(cluster.LiveIndexes, i => Assert.False(cluster.Silos[i]!.Exited.IsCompleted, $"silo {i} exited on its own"));
        Assert.Equal(2, (await cluster.WaitForActiveMembersAsync(2)).Count);
        foreach (var silo in cluster.LiveIndexes)
        {
            var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, silo);
            Assert.True(lost == 0 && duplicated == 0, $"through silo {silo}: lost {lost}, duplicated {duplicated}: {string.Join("; ", problems.Take(10))}");
        }
    }

    /// <summary>
    /// Issue 17's run, short: a feed submits steadily with the retry rule of the Gateway README (only UNAVAILABLE,
    /// ABORTED, DEADLINE_EXCEEDED and lost connections are retried) while a silo is killed (SIGKILL) and restarted,
    /// another is stopped (SIGTERM) and restarted, PostgreSQL crashes (immediate shutdown, crash recovery) and comes
    /// back, and two silos are killed at once and restarted. Every event is acknowledged exactly once, no other status reaches the feed, no silo exits on its own, and
    /// the accept deadlines that fell due while the database was down are recorded soon after it is back.
    /// <c>CITYBRAIN_FAULT_ROUNDS</c> repeats the four faults (the issue's 8-minute run with 8 faults is 2 rounds).
    /// </summary>
    [Fact]
    public async Task KillStopAndDatabaseCrashUnderSteadyLoad_EveryEventAcknowledgedOnce_OnlyRetryableStatuses_NoSiloExitsOnItsOwn()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CITYBRAIN_FAULT_ROUNDS"), out var r) && r > 0 ? r : 1;
        await using var database = await PostgresServer.StartPrivateAsync(fsync: false); // crashed below: never a shared server
        await using var cluster = await ClusterHarness.StartAsync(3, connectionString: await database.CreateDatabaseAsync("faults"), acceptTarget: AcceptTarget);
        var load = new IntakeLoad(cluster, workers: 8, IntakeLoad.SimpleEvent);
        load.Start();
        await WaitForAcksAsync(load, 300);
        var lateness = new List<TimeSpan>();
        var verdicts = new List<string>();
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                await cluster.KillAsync(round % 3);
                await WaitForAcksAsync(load, load.Acked.Count + 300);
                await cluster.RestartAsync(round % 3);
                await cluster.WaitForActiveMembersAsync(3);

                var exit = await cluster.TerminateAsync((round + 1) % 3, load.WhenNoCallsToAsync);
                Assert.True(exit == 0, $"silo {(round + 1) % 3} stopped with exit code {exit}:\n{Tail(cluster.DepartedOutput((round + 1) % 3))}");
                await WaitForAcksAsync(load, load.Acked.Count + 300);
                await cluster.RestartAsync((round + 1) % 3);
                await cluster.WaitForActiveMembersAsync(3);
                await WaitForAcksAsync(load, load.Acked.Count + 300);

                // The incidents acknowledged in the last seconds before the crash fall due (4 s after their report) while the
                // database is down. Every silo says so on /readyz until it is back.
                var crashedAt = DateTimeOffset.UtcNow;
                var dueInOutage = load.Acked.Values.Where(a => a.AckedAt > crashedAt - TimeSpan.FromSeconds(3)).Select(a => a.IncidentId).ToList();
                await database.CrashAsync();
                await WaitUntilAsync(async () => (await Task.WhenAll(cluster.LiveIndexes.Select(i => cluster.Silos[i]!.ReadinessAsync())))
                        .All(answer => answer.Status == System.Net.HttpStatusCode.ServiceUnavailable && answer.Text.Contains("database is unreachable", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(30), "not every silo said the database is unreachable");
                await database.StartAsync();
                var restoredAt = DateTimeOffset.UtcNow;
                await WaitForAcksAsync(load, load.Acked.Count + 300);

                Assert.NotEmpty(dueInOutage);
                foreach (var incident in dueInOutage)
                {
                    var breach = await WaitForBreachAsync(cluster, incident, TimeSpan.FromSeconds(60));
                    var due = breach.At - breach.Lateness;
                    lateness.Add(breach.At - (due > restoredAt ? due : restoredAt));
                    Diagnose($"round {round} {incident} due {due:HH:mm:ss.fff} restored {restoredAt:HH:mm:ss.fff} breached {breach.At:HH:mm:ss.fff}");
                }

                // Two silos killed at once: the survivor serves alone, and declares both dead by itself when their ports
                // have refused three connections (GoneSiloDetector; before it, only once the table showed them stale, 21-44 s).
                // SiloSilentWhileJoiningKeepsItsPlace_KilledSilosAreDeclaredDeadWithinSeconds asserts the verdict; here it is reported,
                // and the pair comes back after at most 60 s whatever the verdict.
                var pair = cluster.LiveIndexes.Where(i => i != round % 3).ToList();
                var before = await cluster.MembersAsync();
                var victims = pair.Select(i => cluster.MemberOf(before, i)).ToList();
                var killedAt = DateTimeOffset.UtcNow;
                await Task.WhenAll(pair.Select(cluster.KillAsync));
                await WaitForAcksAsync(load, load.Acked.Count + 300);
                try
                {
                    await WaitUntilAsync(async () => (await cluster.MembersAsync()).Count(m => m.Status == MemberStatus.Dead && victims.Any(v => v.Port == m.Port && v.Generation == m.Generation)) == 2,
                        TimeSpan.FromSeconds(60), "the survivor's verdict");
                    verdicts.Add($"{(DateTimeOffset.UtcNow - killedAt).TotalSeconds:0.0}");
                }
                catch (TimeoutException)
                {
                    verdicts.Add($">{(DateTimeOffset.UtcNow - killedAt).TotalSeconds:0}");
                }

                Diagnose($"round {round} lone survivor's verdict on both killed silos: {verdicts[^1]} s after the kill");
                await Task.WhenAll(pair.Select(i => cluster.RestartAsync(i)));
                await cluster.WaitForActiveMembersAsync(3);
                await WaitForAcksAsync(load, load.Acked.Count + 300);
            }
        }
        finally
        {
            // Every silo's output, also when a wait above timed out: a run that fails is the one worth reading.
            Diagnose($"failures {string.Join("; ", load.FailureExamples.Select(f => $"{f.Key} x{load.Failures[f.Key]}: {f.Value}"))}");
            foreach (var i in Enumerable.Range(0, cluster.Silos.Count))
            {
                Diagnose($"--- silo {i} ---\n{cluster.DepartedOutput(i)}{cluster.Silos[i]?.Output}");
            }
        }

        await load.StopAsync();
        var worst = lateness.Max();
        Console.WriteLine($"faults rounds={rounds} acked={load.Acked.Count} retries={load.Retries} most_attempts={load.MostAttempts} " +
            $"breach_after_outage_p50_ms={lateness.Order().ElementAt(lateness.Count / 2).TotalMilliseconds:0} max_ms={worst.TotalMilliseconds:0} " +
            $"lone_survivor_verdict_s={string.Join(',', verdicts)}");

        Assert.True(load.GivenUp.IsEmpty, "events given up: " + string.Join("; ", load.GivenUp.Take(10)));
        Assert.True(load.Failures.Keys.All(code => code is StatusCode.Unavailable or StatusCode.Aborted or StatusCode.DeadlineExceeded or StatusCode.Cancelled),
            "non-retryable statuses: " + string.Join("; ", load.FailureExamples.Select(f => $"{f.Key} x{load.Failures[f.Key]}: {f.Value}")));
        Assert.All(cluster.LiveIndexes, i => Assert.False(cluster.Silos[i]!.Exited.IsCompleted, $"silo {i} exited on its own"));
        Assert.Equal(3, (await cluster.WaitForActiveMembersAsync(3)).Count);
        var (lost, duplicated, problems) = await Verification.CheckAsync(cluster, load, 0);
        Assert.True(lost == 0 && duplicated == 0, $"lost {lost}, duplicated {duplicated}: {string.Join("; ", problems.Take(10))}");
        // Issue 17's target is 2 s (met on a quiet machine: 0.82 s at most over two rounds); 5 s leaves room for a loaded
        // one (2.19 s at a load average of 35-78).
        Assert.True(worst < TimeSpan.FromSeconds(5), $"an accept deadline due during the outage was recorded {worst} after the database was back");
    }

    /// <summary>Appends to the file named by <c>CITYBRAIN_FAULT_LOG</c>, when set (for reading a run afterwards).</summary>
    private static void Diagnose(string line)
    {
        if (Environment.GetEnvironmentVariable("CITYBRAIN_FAULT_LOG") is { Length: > 0 } path)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }

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
        catch (TimeoutException)
        {
            throw new TimeoutException($"{load.Acked.Count} of {count} events acknowledged within 120 s; retries {load.Retries}; failures: " +
                string.Join("; ", load.FailureExamples.Select(f => $"{f.Key} x{load.Failures[f.Key]}: {f.Value}")));
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
            var detail = await cluster.Query(cluster.LiveIndexes.First()).GetIncidentAsync(new GetIncidentRequest { IncidentId = incidentId }, headers, DateTime.UtcNow.AddSeconds(30));
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
