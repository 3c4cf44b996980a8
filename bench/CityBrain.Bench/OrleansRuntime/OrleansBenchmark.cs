using System.Globalization;
using CityBrain.Bench.Support;
using CityBrain.Storage;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CityBrain.Bench.OrleansRuntime;

/// <summary>
/// Orleans as we run it, two silos in this process (localhost clustering, protobuf codec, our storage on PostgreSQL
/// with fsync on):
///   calls    64 callers calling 10,000 grains at random, from silo A's grain factory: grains on silo A (local), then
///            grains on silo B (remote: serialized over loopback TCP); a minimal channel mailbox as the same-run
///            baseline (the smallest honest actor: one channel and loop per actor, no runtime);
///   memory   the heap cost of 100,000 idle activations;
///   writes   1,000 grains on silo A each writing in a closed loop: Orleans' ADO.NET grain storage
///            (<c>IPersistentState.WriteStateAsync</c>, one statement and commit per write) with the connection string as
///            configured; the same on silo B, whose connection string adds what our journal store sets on its own
///            connections (auto-prepared statements, no pool reset); then our journal (one event appended per write,
///            group commit), same concurrency, same run; PostgreSQL CPU per write beside each.
/// Arguments: seconds per phase (10), writers (1000).
/// Ends with: orleans local_calls_per_s=N remote_calls_per_s=N p99_us=N remote_p99_us=N baseline_calls_per_s=N
///   bytes_per_activation=N adonet_writes_per_s=N journal_writes_per_s=N ratio=R adonet_pg_us=N journal_pg_us=N
///   adonet_prepared_writes_per_s=N adonet_prepared_pg_us=N
/// </summary>
internal static class OrleansBenchmark
{
    private const int Callers = 64;
    private const int Grains = 10_000;
    private const int RemoteBase = 1_000_000;
    private const int IdleActivations = 100_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var writers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        var phase = TimeSpan.FromSeconds(seconds);
        await using var server = await PostgresServer.FromEnvironmentOrStartAsync();
        var connection = await server.CreateDatabaseAsync("bench_orleans");
        await DatabaseSchema.MigrateAsync(DatabaseKind.Postgres, connection);
        var statements = await PgStatements.FromEnvironmentAsync(server, connection);
        var postmaster = await CpuSample.PostmasterPidAsync(connection);

        BenchHost.Progress($"starting two silos in this process (load average {BenchHost.LoadAverage()})");
        using var a = await BenchHost.StartSiloAsync(connection, Configure, name: "a");
        // Silo B's ADO.NET providers get the connection settings our journal store applies to its own connections
        // (statements prepared after a few uses, no session reset when a connection returns to the pool): the same
        // writes through them show what those settings are worth to Orleans' providers.
        using var b = await BenchHost.StartSiloAsync(connection + ";Max Auto Prepare=64;Auto Prepare Min Usages=2;No Reset On Close=true", Configure, BenchHost.SiloEndpoint(a), name: "b");
        var fromA = a.Services.GetRequiredService<IGrainFactory>();
        var fromB = b.Services.GetRequiredService<IGrainFactory>();
        var siloA = a.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
        var siloB = b.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

        // Placed where first called (PreferLocalPlacement): the local set by silo A, the remote set by silo B.
        BenchHost.Progress($"activating {Grains:N0} grains on each silo");
        await Load.RunAsync(Grains, Callers, async i =>
        {
            await fromA.GetGrain<IPingGrain>(i).Ping(i);
            await fromB.GetGrain<IPingGrain>(RemoteBase + i).Ping(i);
        });
        await VerifyPlacementAsync(fromA, 0, siloA);
        await VerifyPlacementAsync(fromA, RemoteBase, siloB);

        var local = Enumerable.Range(0, Grains).Select(i => fromA.GetGrain<IPingGrain>(i)).ToArray();
        var remote = Enumerable.Range(0, Grains).Select(i => fromA.GetGrain<IPingGrain>(RemoteBase + i)).ToArray();
        var mailboxes = Enumerable.Range(0, Grains).Select(_ => new MailboxBaseline()).ToArray();
        BenchHost.Progress("warming up");
        await CallsAsync(i => local[i].Ping(i), TimeSpan.FromSeconds(2));
        await CallsAsync(i => remote[i].Ping(i), TimeSpan.FromSeconds(2));
        await CallsAsync(i => new ValueTask<int>(mailboxes[i].Ping(i)), TimeSpan.FromSeconds(2));

        BenchHost.Progress($"local calls: {Callers} callers x {Grains:N0} grains on silo A, {seconds} s");
        var cpu = CpuSample.Take(0, postmaster);
        var (localRate, localP50, localP99, localCalls) = await CallsAsync(i => local[i].Ping(i), phase);
        BenchHost.Progress($"  {localRate:N0} calls/s, p50 {localP50:F0} µs, p99 {localP99:F0} µs; {(CpuSample.Take(0, postmaster) - cpu).PerOperation(localCalls)}");

        BenchHost.Progress($"remote calls: same callers on silo A, grains on silo B, {seconds} s");
        cpu = CpuSample.Take(0, postmaster);
        var (remoteRate, remoteP50, remoteP99, remoteCalls) = await CallsAsync(i => remote[i].Ping(i), phase);
        BenchHost.Progress($"  {remoteRate:N0} calls/s, p50 {remoteP50:F0} µs, p99 {remoteP99:F0} µs; {(CpuSample.Take(0, postmaster) - cpu).PerOperation(remoteCalls)}");

        BenchHost.Progress($"baseline mailbox: same workload, {seconds} s");
        var (baselineRate, baselineP50, baselineP99, _) = await CallsAsync(i => new ValueTask<int>(mailboxes[i].Ping(i)), phase);
        BenchHost.Progress($"  {baselineRate:N0} calls/s, p50 {baselineP50:F0} µs, p99 {baselineP99:F0} µs; local Orleans calls at {localRate / baselineRate:P0} of it, remote at {remoteRate / baselineRate:P0}");
        mailboxes = null;

        BenchHost.Progress($"heap cost of {IdleActivations:N0} idle activations on silo A");
        var bytesPerActivation = await ActivationBytesAsync(fromA);
        BenchHost.Progress($"  {bytesPerActivation:N0} bytes per activation");

        var stateWriters = Enumerable.Range(0, writers).Select(i => fromA.GetGrain<IStateWriterGrain>(i)).ToArray();
        var journalWriters = Enumerable.Range(0, writers).Select(i => fromA.GetGrain<IJournalWriterGrain>(i)).ToArray();
        BenchHost.Progress($"warming up {writers:N0} writers of each kind (first write of each)");
        await Task.WhenAll(stateWriters.Select(g => g.Write(0)));
        await Task.WhenAll(journalWriters.Select(g => g.Write(0)));

        BenchHost.Progress($"ADO.NET grain storage: {writers:N0} grains each writing in a closed loop, {seconds} s");
        await ResetAsync(statements);
        cpu = CpuSample.Take(0, postmaster);
        var (adoRate, adoP50, adoP99, adoWrites) = await Load.ClosedLoopAsync(writers, phase, async (w, _) => await stateWriters[w].Write(w));
        var adoCpu = CpuSample.Take(0, postmaster) - cpu;
        BenchHost.Progress($"  {adoRate:N0} durable writes/s, p50 {adoP50 / 1000:F1} ms, p99 {adoP99 / 1000:F1} ms; {adoCpu.PerOperation(adoWrites)}");
        await ReportAsync(statements, adoWrites);

        // The private server takes 200 connections: silo A's idle pool (up to 100) goes before silo B opens its own.
        NpgsqlConnection.ClearAllPools();
        var tunedWriters = Enumerable.Range(0, writers).Select(i => fromB.GetGrain<IStateWriterGrain>(RemoteBase + i)).ToArray();
        await Task.WhenAll(tunedWriters.Select(g => g.Write(0)));
        await VerifyWriterPlacementAsync(fromB, tunedWriters[0], siloB);
        BenchHost.Progress($"ADO.NET grain storage with prepared statements and no pool reset (silo B's connection settings): {writers:N0} grains on silo B, {seconds} s");
        await ResetAsync(statements);
        cpu = CpuSample.Take(0, postmaster);
        var (tunedRate, tunedP50, tunedP99, tunedWrites) = await Load.ClosedLoopAsync(writers, phase, async (w, _) => await tunedWriters[w].Write(w));
        var tunedCpu = CpuSample.Take(0, postmaster) - cpu;
        BenchHost.Progress($"  {tunedRate:N0} durable writes/s, p50 {tunedP50 / 1000:F1} ms, p99 {tunedP99 / 1000:F1} ms; {tunedCpu.PerOperation(tunedWrites)}");
        await ReportAsync(statements, tunedWrites);

        BenchHost.Progress($"journal (group commit): {writers:N0} grains each appending in a closed loop, {seconds} s");
        await ResetAsync(statements);
        cpu = CpuSample.Take(0, postmaster);
        var (journalRate, journalP50, journalP99, journalWrites) = await Load.ClosedLoopAsync(writers, phase, async (w, _) => await journalWriters[w].Write(w));
        var journalCpu = CpuSample.Take(0, postmaster) - cpu;
        BenchHost.Progress($"  {journalRate:N0} durable appends/s, p50 {journalP50 / 1000:F1} ms, p99 {journalP99 / 1000:F1} ms; {journalCpu.PerOperation(journalWrites)}");
        await ReportAsync(statements, journalWrites);

        await b.StopAsync();
        await a.StopAsync();
        BenchHost.Progress($"load average {BenchHost.LoadAverage()}");
        Console.WriteLine(FormattableString.Invariant(
            $"orleans local_calls_per_s={localRate:F0} remote_calls_per_s={remoteRate:F0} p99_us={localP99:F0} remote_p99_us={remoteP99:F0} baseline_calls_per_s={baselineRate:F0} bytes_per_activation={bytesPerActivation:F0} adonet_writes_per_s={adoRate:F0} journal_writes_per_s={journalRate:F0} ratio={journalRate / adoRate:F2} adonet_pg_us={adoCpu.PostgresPer(adoWrites):F0} journal_pg_us={journalCpu.PostgresPer(journalWrites):F0} adonet_prepared_writes_per_s={tunedRate:F0} adonet_prepared_pg_us={tunedCpu.PostgresPer(tunedWrites):F0}"));
        return 0;
    }

    private static async Task ResetAsync(PgStatements? statements)
    {
        if (statements is not null)
        {
            await statements.ResetAsync();
        }
    }

    private static async Task ReportAsync(PgStatements? statements, long operations)
    {
        if (statements is not null)
        {
            BenchHost.Progress(await statements.ReportAsync(operations, 8));
        }
    }

    private static void Configure(ISiloBuilder silo) => silo.Services.AddSingleton<IJournalFold<WriterTally, WriterEvent>, WriterFold>();

    /// <summary>64 callers calling random grains of the set for <paramref name="duration"/>; one call in eight timed.</summary>
    private static Task<(double PerSecond, double P50Us, double P99Us, long Calls)> CallsAsync(Func<int, ValueTask<int>> call, TimeSpan duration) =>
        Load.ClosedLoopAsync(Callers, duration, async (_, random) =>
        {
            var target = random.Next(Grains);
            if (await call(target) != target + 1)
            {
                throw new InvalidOperationException("wrong answer");
            }
        }, sampleEvery: 8);

    private static async Task VerifyPlacementAsync(IGrainFactory factory, int first, string silo)
    {
        foreach (var i in new[] { first, first + 1, first + Grains / 2, first + Grains - 1 })
        {
            var where = await factory.GetGrain<IPingGrain>(i).Where();
            if (!where.Contains(silo, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Grain {i} runs on {where}, expected silo {silo}: the local/remote split does not hold.");
            }
        }
    }

    private static async Task VerifyWriterPlacementAsync(IGrainFactory factory, IStateWriterGrain writer, string silo)
    {
        var where = await factory.GetGrain<IStateWriterGrain>(writer.GetPrimaryKeyLong()).Where();
        if (!where.Contains(silo, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Writer {writer.GetPrimaryKeyLong()} runs on {where}, expected silo {silo}.");
        }
    }

    private static async Task<double> ActivationBytesAsync(IGrainFactory factory)
    {
        // Prime every code path once so that JIT and static data are not counted.
        await factory.GetGrain<IIdleGrain>(-1).Touch();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await Load.RunAsync(IdleActivations, Callers, async i => await factory.GetGrain<IIdleGrain>(i).Touch());
        var after = GC.GetTotalMemory(forceFullCollection: true);
        return (after - before) / (double)IdleActivations;
    }
}
