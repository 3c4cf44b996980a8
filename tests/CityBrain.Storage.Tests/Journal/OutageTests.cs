using CityBrain.Storage.Journal;
using CityBrain.Storage.Placement;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Storage.Tests.Orleans;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;

namespace CityBrain.Storage.Tests.Journal;

/// <summary>A PostgreSQL server of its own, stopped and started under the silo.</summary>
public sealed class OutageTests
{
    [Fact]
    public async Task Confirm_DatabaseStopped_FailsFastNamingIt_ThenRecoversByItself()
    {
        await using var server = await PostgresServer.StartPrivateAsync(fsync: false);
        var connection = await MigratedDatabaseAsync(server, "outage");
        await using var silo = await StorageCluster.StartAsync(DatabaseKind.Postgres, connection);
        var grain = silo.Grains.GetGrain<ITallyGrain>("o");
        await grain.Add([1]);

        await server.StopAsync();
        var first = await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.Add([2]));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var second = await Assert.ThrowsAsync<StorageUnavailableException>(() => silo.Grains.GetGrain<ITallyGrain>("o2").Add([2]));
        var failFast = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        Assert.Contains("PostgreSQL 127.0.0.1", first.Message);
        Assert.Contains("unavailable", second.Message);
        Assert.True(failFast < TimeSpan.FromSeconds(4), $"the second call took {failFast} while the circuit was open");

        await server.StartAsync();
        var recovered = await RetryAsync(() => grain.Add([3]));

        Assert.Equal(2, recovered); // the refused event was not written; the grain reloaded its journal
        Assert.Equal(new Tally { Total = 4, Count = 2 }, await grain.Get());
    }

    /// <summary>Shards do not move to their home silos while the database is down, nor for the settle time after it
    /// answers again: a move then leaves a shard missing while its new activation loads, just when the deadlines held
    /// through the outage fall due. The grains' clock (the homing's) stands still here; only the test moves it.</summary>
    [Fact]
    public async Task ShardMoves_HeldWhileTheDatabaseIsDown_AndForTheSettleTimeAfterItAnswersAgain()
    {
        await using var server = await PostgresServer.StartPrivateAsync(fsync: false);
        var connection = await MigratedDatabaseAsync(server, "homing");
        await using var silo = await StorageCluster.StartAsync(DatabaseKind.Postgres, connection);
        var homing = silo.SiloServices.GetRequiredService<ShardHoming>();
        var grain = silo.Grains.GetGrain<ITallyGrain>("h");
        await grain.Add([1]);
        Assert.False(homing.MovesHeld());

        await server.StopAsync();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.Add([2]));
        Assert.True(homing.MovesHeld());

        await server.StartAsync();
        Assert.Equal(2, await RetryAsync(() => grain.Add([3])));
        Assert.Null(silo.SiloServices.GetRequiredService<JournalStore>().WhenReachableAgain);
        Assert.True(homing.MovesHeld(), "moves resumed the moment the database answered again");

        await silo.AdvanceAsync(ShardHoming.SettleTime - TimeSpan.FromMilliseconds(1));
        Assert.True(homing.MovesHeld());
        await silo.AdvanceAsync(TimeSpan.FromMilliseconds(1));
        Assert.False(homing.MovesHeld());
    }

    [Fact]
    public async Task Health_DatabaseStoppedWhileNoCallReachesIt_SaysUnreachableNamingIt_ThenAnswersAgainByItself()
    {
        await using var server = await PostgresServer.StartPrivateAsync(fsync: false);
        var connection = await MigratedDatabaseAsync(server, "probe");
        await using var silo = await StorageCluster.StartAsync(DatabaseKind.Postgres, connection, configure: o => o.ProbeInterval = TimeSpan.FromMilliseconds(100));
        var health = silo.SiloServices.GetRequiredService<StorageHealth>();
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is null), TimeSpan.FromSeconds(30), "the database answers the first probe");

        // No grain call is made from here on: only the probe can notice the outage and the recovery.
        await server.StopAsync();
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is not null), TimeSpan.FromSeconds(30), "the probe notices the stopped database");
        Assert.Contains("PostgreSQL 127.0.0.1", health.UnreachableReason, StringComparison.Ordinal);

        await server.StartAsync();
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is null), TimeSpan.FromSeconds(30), "the probe notices the database is back");
        Assert.Equal(1, await silo.Grains.GetGrain<ITallyGrain>("after").Add([1])); // and calls go through at once
    }

    [Fact]
    public async Task Health_OutageACallRanInto_ProbedAtTheOutagePace_NotAfterTheRegularInterval()
    {
        await using var server = await PostgresServer.StartPrivateAsync(fsync: false);
        var connection = await MigratedDatabaseAsync(server, "tripped");
        await using var silo = await StorageCluster.StartAsync(DatabaseKind.Postgres, connection, configure: o =>
        {
            o.ProbeInterval = TimeSpan.FromHours(1);
            o.RetryAfter = TimeSpan.FromHours(1);
        });
        var health = silo.SiloServices.GetRequiredService<StorageHealth>();
        var grain = silo.Grains.GetGrain<ITallyGrain>("t");
        await grain.Add([1]);

        // The regular probe has had its turn and sleeps for an hour, and calls fail fast for an hour after a failure (the
        // shards' reads too): only the probe, started by the call below, can notice the database's return.
        await server.StopAsync();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.Add([2]));
        await server.StartAsync();

        // No call from here on: the probe the failed call woke notices the return by itself.
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is null), TimeSpan.FromSeconds(30), "the probe notices the database is back");
        Assert.Equal(2, await grain.Add([3]));
    }

    /// <summary>
    /// Orleans' ADO.NET providers (membership, grain state, reminders) take their connections from Npgsql's pool for the
    /// connection string, not from the store's data source. After a restart of the database each connection idle in that
    /// pool is dead, and each failed one call after the return: the membership's heartbeat and the view projectors'
    /// state writes, seconds after the database was back. The outage the store noticed empties that pool too.
    /// </summary>
    [Fact]
    public async Task Health_OutageNoticed_ConnectionsPooledForOrleansProviders_AreDroppedToo_TheFirstCallAfterTheReturnSucceeds()
    {
        await using var server = await PostgresServer.StartPrivateAsync(fsync: false);
        var connection = await MigratedDatabaseAsync(server, "pooled");
        await using var silo = await StorageCluster.StartAsync(DatabaseKind.Postgres, connection, configure: o => o.ProbeInterval = TimeSpan.FromMilliseconds(100));
        var health = silo.SiloServices.GetRequiredService<StorageHealth>();
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is null), TimeSpan.FromSeconds(30), "the database answers the first probe");
        var provider = new NpgsqlConnectionStringBuilder(connection) { ApplicationName = "orleans-provider" }.ConnectionString;
        await SelectOneAsync(provider); // a connection now idle in the pool, as a provider leaves it

        await server.StopAsync();
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is not null), TimeSpan.FromSeconds(30), "the probe notices the stopped database");
        await server.StartAsync();
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is null), TimeSpan.FromSeconds(30), "the probe notices the database is back");

        Assert.Equal(1, await SelectOneAsync(provider));

        static async Task<int> SelectOneAsync(string connectionString)
        {
            await using var opened = new NpgsqlConnection(connectionString);
            await opened.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", opened);
            return (int)(await command.ExecuteScalarAsync())!;
        }
    }

    /// <summary>
    /// Forty deadlines fall due while the store knows the database is down: the shards hold them (no grain is called, so
    /// none is activated only to fail), each shard that holds some says so once, and all forty fire once as soon as the
    /// database answers, not a retry later.
    /// </summary>
    [Fact]
    public async Task Deadlines_DueDuringAnOutage_HeldUntilTheDatabaseAnswers_OneNoticePerShard_ThenEachFiresOnce()
    {
        await using var server = await PostgresServer.StartPrivateAsync(fsync: false);
        var connection = await MigratedDatabaseAsync(server, "heldup");
        var warnings = new LogRecorder(LogLevel.Warning);
        await using var silo = await StorageCluster.StartAsync(DatabaseKind.Postgres, connection, services: s => s.AddSingleton<ILoggerProvider>(warnings));
        var due = StorageCluster.Start.AddMinutes(10);
        var keys = Enumerable.Range(0, 40).Select(i => $"held-{i}").ToList();
        var holdingShards = keys.Select(k => CityBrain.Storage.Internal.Shards.Of(new CityBrain.Storage.Internal.StoredGrain("tally", k))).Distinct().Count();
        await Task.WhenAll(keys.Select(k => silo.Grains.GetGrain<ITallyGrain>(k).Arm("record-sla", due)));
        await silo.ShardsCaughtUpAsync();

        await server.StopAsync();
        var health = silo.SiloServices.GetRequiredService<StorageHealth>();
        await Eventually.TrueAsync(() => Task.FromResult(health.UnreachableReason is not null), TimeSpan.FromSeconds(30), "the store notices the stopped database");
        await silo.AdvanceAsync(TimeSpan.FromMinutes(10));
        List<(LogLevel Level, int Id, string Message)> Held() => warnings.Entries("CityBrain.Storage.Deadlines.DeadlineShardGrain").Where(w => w.Id == 19).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(Held().Count >= holdingShards), TimeSpan.FromSeconds(30), "every shard with deadlines due holds them");
        Assert.Empty(silo.Log.Fired);

        await server.StartAsync();
        await silo.Log.WaitAsync(fired => fired.Count(f => f.Tick.Name == "record-sla") == keys.Count);

        Assert.Equal(keys.Order(), silo.Log.Fired.Where(f => f.Tick.Name == "record-sla").Select(f => f.Grain).Order());
        // The grains' clock stood still since the outage began: only the database's return (noticed by the store's probe)
        // could bring the firings, not a planned retry.
        Assert.All(silo.Log.Fired, f => Assert.Equal((due, due), (f.Tick.DueAt, f.Tick.FiredAt)));
        Assert.DoesNotContain(silo.Log.Fired, f => f.Tick.Name.StartsWith("unavailable:", StringComparison.Ordinal));
        var shardWarnings = warnings.Entries("CityBrain.Storage.Deadlines.DeadlineShardGrain");
        Assert.DoesNotContain(shardWarnings, w => w.Id == 6);
        Assert.Equal(holdingShards, Held().Count);
        Assert.All(Held(), w => Assert.Contains("held and fire as soon as it answers", w.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unavailable_CrossesToAnotherSilo_WithTheDriversCause()
    {
        var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
        {
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={SiloProcess.FreePort()};Timeout=5");
            await connection.OpenAsync();
        });
        var thrown = new StorageUnavailableException("PostgreSQL 127.0.0.1 is unavailable: " + refused.Message, refused);
        var file = Path.Combine(Path.GetTempPath(), $"citybrain-serializer-{Guid.NewGuid():N}.db");
        await using (var silo = await StorageCluster.StartAsync(DatabaseKind.Sqlite, $"Data Source={file}"))
        {
            // What a grain's failed response goes through on its way to a caller on another silo.
            var serializer = silo.SiloServices.GetRequiredService<Serializer>();
            var received = Assert.IsType<StorageUnavailableException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(thrown)));

            Assert.Equal(thrown.Message, received.Message);
            Assert.Equal(refused.Message, received.InnerException?.Message);
        }

        File.Delete(file);
    }

    /// <summary>A new database on <paramref name="server"/> with the schema applied; its connection string.</summary>
    private static async Task<string> MigratedDatabaseAsync(PostgresServer server, string name)
    {
        var connection = await server.CreateDatabaseAsync(name);
        await DatabaseSchema.MigrateAsync(DatabaseKind.Postgres, connection);
        return connection;
    }

    /// <summary>Retries while the store still fails fast (its circuit reopens to one try per second).</summary>
    private static async Task<long> RetryAsync(Func<Task<long>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (StorageUnavailableException) when (attempt < 60)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
