using CityBrain.Storage.Journal;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Storage.Tests.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CityBrain.Storage.Tests.Journal;

/// <summary>
/// A silo's connections on PostgreSQL are bounded (the journal store's by <see cref="StorageOptions.MaxConnections"/>,
/// Orleans' pools by <see cref="ConnectionBudget"/>), and the silo says at start whether the silos fit the server's
/// limit: past it PostgreSQL refuses connections, which a silo takes for an outage.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class ConnectionBudgetTests(DatabaseFixture databases)
{
    [Fact]
    public void Assess_SilosWithinTheLimit_Fit_OneMoreDoesNot_AndTheTextNamesWhatToChange()
    {
        var perSilo = ConnectionBudget.PerSilo(new StorageOptions { Database = DatabaseKind.Postgres, ConnectionString = "Host=db" });
        Assert.Equal(16 + 1 + 8 + 4, perSilo);

        var (fits, text) = ConnectionBudget.Assess(maxConnections: 100, reserved: 3, inUse: 12, otherSilos: 2, perSilo);
        Assert.True(fits);
        Assert.Equal("PostgreSQL takes 97 client connections (max_connections 100, 3 reserved), 12 in use now; a silo holds up to 29, so 3 silo(s) fit; 3 counting this one.", text);

        (fits, text) = ConnectionBudget.Assess(maxConnections: 100, reserved: 3, inUse: 12, otherSilos: 3, perSilo);
        Assert.False(fits);
        Assert.EndsWith("raise max_connections to at least 119, or lower CityBrain:Storage:MaxConnections.", text);

        // Other clients count too: one silo that fits alone does not fit beside 80 connections of something else.
        Assert.False(ConnectionBudget.Assess(maxConnections: 100, reserved: 3, inUse: 80, otherSilos: 0, perSilo).Fits);
    }

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=10")]
    [InlineData("Host=db;MaxPoolSize=10")]
    [InlineData("Host=db;maximum pool size=10")]
    public void PoolSizeInTheConnectionString_IsTheOperatorsWord_ForEveryPool(string connectionString)
    {
        var options = new StorageOptions { Database = DatabaseKind.Postgres, ConnectionString = connectionString };
        Assert.Equal((9, 30), (ConnectionBudget.StoreConnections(options), ConnectionBudget.PerSilo(options)));
        Assert.Equal(10, PoolSize(DatabaseSchema.TunedConnectionString(DatabaseKind.Postgres, connectionString, "citybrain-state", ConnectionBudget.GrainStatePool)));
    }

    [Fact]
    public void OrleansPools_WithoutAPoolSizeInTheConnectionString_GetTheBudgetsSizes() =>
        Assert.Equal((8, 4), (
            PoolSize(DatabaseSchema.TunedConnectionString(DatabaseKind.Postgres, "Host=db", "citybrain-state", ConnectionBudget.GrainStatePool)),
            PoolSize(DatabaseSchema.TunedConnectionString(DatabaseKind.Postgres, "Host=db", "citybrain-membership", ConnectionBudget.MembershipPool))));

    [Fact]
    public void TooFewConnections_AreRefusedNamingTheKey()
    {
        var validator = new StorageOptionsValidator();
        Assert.Contains("CityBrain:Storage:MaxConnections must be between 5 and 1000 (the commit and load loops keep 4).",
            validator.Validate(null, new StorageOptions { MaxConnections = 4 }).Failures!);
        Assert.StartsWith("CityBrain:Storage:ConnectionString sets a pool size of 5: it must be more than 5",
            Assert.Single(validator.Validate(null, new StorageOptions { Database = DatabaseKind.Postgres, ConnectionString = "Host=db;Maximum Pool Size=5" }).Failures!));
        Assert.True(validator.Validate(null, new StorageOptions { Database = DatabaseKind.Postgres, ConnectionString = "Host=db;Maximum Pool Size=6", MaxConnections = 5 }).Succeeded);
    }

    /// <summary>
    /// Ten calls at once on a store of six connections (four kept for the commit and load loops, two for calls), the row
    /// they write locked by another transaction: two reach the
    /// server and wait on the lock, the other eight wait in the store (not in the driver's pool, whose wait would end in an
    /// error the store takes for an outage). Once the lock is released all ten answer, and the store never held more than
    /// two connections.
    /// </summary>
    [Fact]
    public async Task Calls_BeyondMaxConnections_WaitInTheStore_AndAllAnswer()
    {
        var connectionString = await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres);
        var options = new StorageOptions { Database = DatabaseKind.Postgres, ConnectionString = connectionString, MaxConnections = 6 };
        await using var store = new JournalStore(options, new BackgroundClock(TimeProvider.System), NullLogger<JournalStore>.Instance);
        Assert.Equal(6, store.MaxConnections);
        await using var locker = new NpgsqlConnection(connectionString);
        await locker.OpenAsync();
        // pg_stat_activity is read outside the locking transaction: within one, it is a snapshot taken at its first read.
        await using var observer = new NpgsqlConnection(connectionString);
        await observer.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("INSERT INTO deadline_checkpoint (shard, position, payload, updated_at) VALUES (0, 0, '\\x', now())", locker, transaction))
        {
            await lockRow.ExecuteNonQueryAsync();
        }

        var writes = Enumerable.Range(1, 10).Select(i => store.WriteCheckpointAsync(0, i, [(byte)i], CancellationToken.None)).ToArray();
        await Eventually.TrueAsync(async () => await StoreBackendsAsync(observer, "AND wait_event_type = 'Lock'") == 2, TimeSpan.FromSeconds(30), "two calls waiting on the lock");
        Assert.Equal(2, await StoreBackendsAsync(observer, ""));
        Assert.DoesNotContain(writes, write => write.IsCompleted);

        await transaction.CommitAsync();
        await Task.WhenAll(writes);
        Assert.Null(store.UnreachableReason);
        Assert.Equal(10, (await store.ReadCheckpointAsync(0, CancellationToken.None))!.Value.Position);
        Assert.Equal(2, await StoreBackendsAsync(observer, ""));
    }

    [Fact]
    public async Task SiloStart_SaysWhetherItsConnectionsFitTheServer()
    {
        var connectionString = await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres);
        int serverLimit;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_setting('max_connections')::int", connection);
            serverLimit = (int)(await command.ExecuteScalarAsync())!;
        }

        var fitting = new LogRecorder(LogLevel.Information);
        await using (await StorageCluster.StartAsync(DatabaseKind.Postgres, connectionString, services: s => s.AddSingleton<ILoggerProvider>(fitting)))
        {
            var (level, id, message) = Assert.Single(fitting.Entries(typeof(StorageStartup).FullName!));
            Assert.Equal((LogLevel.Information, 20), (level, id));
            Assert.Contains($"(max_connections {serverLimit},", message);
            Assert.Contains("a silo holds up to 29,", message);
        }

        var tooMany = new LogRecorder(LogLevel.Information);
        await using (await StorageCluster.StartAsync(DatabaseKind.Postgres, connectionString, configure: o => o.MaxConnections = serverLimit,
            services: s => s.AddSingleton<ILoggerProvider>(tooMany)))
        {
            var (level, id, message) = Assert.Single(tooMany.Entries(typeof(StorageStartup).FullName!));
            Assert.Equal((LogLevel.Warning, 21), (level, id));
            Assert.Contains($"a silo holds up to {serverLimit + 13},", message);
            Assert.EndsWith("or lower CityBrain:Storage:MaxConnections.", message);
        }
    }

    private static int PoolSize(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize;

    /// <summary>The journal store's connections to this test's database (its application name is "citybrain").</summary>
    private static async Task<long> StoreBackendsAsync(NpgsqlConnection connection, string condition)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'citybrain' {condition}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
