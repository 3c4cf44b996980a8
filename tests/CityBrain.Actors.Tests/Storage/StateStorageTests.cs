using System.Data.Common;
using System.Diagnostics.Metrics;
using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityBrain.Actors.Tests.Storage;

[Collection(DatabaseCollection.Name)]
public sealed class StateStorageTests(DatabaseFixture database)
{
    private readonly ManualTimeProvider _clock = new();

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WriteState_ThenRestart_StateAndVersionRestored(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            var counter = silo.Grains.GetGrain<ICounterGrain>("c1");
            await counter.Add(5);
            await counter.Add(7);
        }

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        var again = restarted.Grains.GetGrain<ICounterGrain>("c1");
        Assert.Equal(12, await again.Get());
        Assert.Equal(2, await again.Version());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WriteState_StaleVersionFromSecondActivation_ConflictsAndChangesNothing(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var first = await TestSilo.StartAsync(kind, connection, _clock);
        await using var second = await TestSilo.StartAsync(kind, connection, _clock);
        var onFirst = first.Grains.GetGrain<ICounterGrain>("shared");
        var onSecond = second.Grains.GetGrain<ICounterGrain>("shared");
        Assert.Equal(0, await onFirst.Get());
        Assert.Equal(0, await onSecond.Get()); // two activations, both at version 0

        Assert.Equal(10, await onFirst.Add(10));
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => onSecond.Add(1));

        Assert.Equal("counter/shared", conflict.GrainId.ToString());
        Assert.Equal(0, conflict.ExpectedVersion);
        await second.Probe.WaitAsync("deactivated:shared");
        Assert.Contains("deactivate:shared:StorageConflict", second.Probe.Events);
        // The stale activation is gone: the next call reloads what the first silo wrote.
        Assert.Equal(10, await onSecond.Get());
        Assert.Equal(11, await onSecond.Add(1));
        Assert.Equal(2, await onSecond.Version());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WriteState_ManyGrainsConcurrently_GroupCommitLosesNothing(StorageKind kind)
    {
        const int Grains = 400;
        const int WritesPerGrain = 10;
        var batches = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "citybrain.storage.batch.size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            lock (batches)
            {
                batches.Add(size);
            }
        });
        listener.Start();

        var connection = await database.NewDatabaseAsync(kind);
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            var writers = Enumerable.Range(0, Grains).Select(async g =>
            {
                var counter = silo.Grains.GetGrain<ICounterGrain>($"g{g}");
                for (var i = 1; i <= WritesPerGrain; i++)
                {
                    await counter.Add(i);
                }
            });
            await Task.WhenAll(writers);
        }

        listener.Dispose();
        int writes, largest;
        lock (batches)
        {
            writes = batches.Sum();
            largest = batches.Max();
        }

        Assert.Equal(Grains * WritesPerGrain, writes);
        Assert.True(largest > 1, "writes from different grains should share transactions");
        var stored = await ReadAllStatesAsync(kind, connection);
        Assert.Equal(Grains, stored.Count);
        Assert.All(stored, row => Assert.Equal(WritesPerGrain, row.Version));

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        for (var g = 0; g < Grains; g += 37)
        {
            Assert.Equal(WritesPerGrain * (WritesPerGrain + 1) / 2, await restarted.Grains.GetGrain<ICounterGrain>($"g{g}").Get());
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ClearState_ResetsStateAndAdvancesVersion(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var silo = await TestSilo.StartAsync(kind, connection, _clock);
        var counter = silo.Grains.GetGrain<ICounterGrain>("clear");
        await counter.Add(3);

        await counter.Clear();

        Assert.Equal(0, await counter.Get());
        Assert.Equal(2, await counter.Version());
        await counter.Deactivate();
        await silo.Probe.WaitAsync("deactivated:clear");
        Assert.Equal(0, await counter.Get());
        Assert.Equal(2, await counter.Version());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReadState_RowWrittenByNewerSchema_RefusedClearlyAndLeftAsIs(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var silo = await TestSilo.StartAsync(kind, connection, _clock);
        await silo.Grains.GetGrain<ICounterGrain>("future").Add(1);
        await silo.Grains.GetGrain<ICounterGrain>("future").Deactivate();
        await silo.Probe.WaitAsync("deactivated:future");
        await ExecuteAsync(kind, connection, "UPDATE grain_state SET schema_version = 7 WHERE grain_key = 'future'");

        var error = await Assert.ThrowsAsync<StateSchemaException>(() => silo.Grains.GetGrain<ICounterGrain>("future").Get());

        Assert.Contains("counter/future", error.Message);
        Assert.Contains("schema version 7", error.Message);
        var rows = await ReadAllStatesAsync(kind, connection);
        Assert.Equal(1, Assert.Single(rows).Version);
    }

    [Fact]
    public async Task Start_DatabaseSchemaNewerThanBuild_RefusesToStart()
    {
        var connection = await database.NewDatabaseAsync(StorageKind.Sqlite);
        await using (await TestSilo.StartAsync(StorageKind.Sqlite, connection, _clock))
        {
        }

        await ExecuteAsync(StorageKind.Sqlite, connection, "INSERT INTO cb_migration (component, version, description, applied_at) VALUES ('actors', 99, 'from the future', 'x')");

        var error = await Assert.ThrowsAsync<StateSchemaException>(() => TestSilo.StartAsync(StorageKind.Sqlite, connection, _clock));
        Assert.Contains("version 99", error.Message);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_Twice_IsIdempotent(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using (await TestSilo.StartAsync(kind, connection, _clock))
        {
        }

        await using (await TestSilo.StartAsync(kind, connection, _clock))
        {
        }

        await using var db = Open(kind, connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM cb_migration";
        var scripts = MigrationSet.Runtime.Scripts(kind == StorageKind.Postgres ? "postgres" : "sqlite").Count;
        Assert.True(scripts >= 3);
        Assert.Equal(scripts, Convert.ToInt64(await command.ExecuteScalarAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_TimersHaveNoHashIndex(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using (await TestSilo.StartAsync(kind, connection, _clock))
        {
        }

        await using var db = Open(kind, connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = kind == StorageKind.Postgres
            ? "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'grain_timer' AND indexdef LIKE '%grain_hash%'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'grain_timer' AND sql LIKE '%grain_hash%'";

        Assert.Equal(0L, Convert.ToInt64(await command.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task Migrate_Postgres_KeysCompareByteByByte()
    {
        var connection = await database.NewDatabaseAsync(StorageKind.Postgres);
        await using (await TestSilo.StartAsync(StorageKind.Postgres, connection, _clock))
        {
        }

        await using var db = Open(StorageKind.Postgres, connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT table_name || '.' || column_name || '=' || COALESCE(collation_name, 'default') FROM information_schema.columns "
            + "WHERE table_name LIKE 'grain\\_%' AND column_name IN ('grain_type', 'grain_key', 'name', 'feed') ORDER BY 1";
        var columns = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }

        Assert.Equal(12, columns.Count);
        Assert.All(columns, column => Assert.EndsWith("=C", column, StringComparison.Ordinal));
    }

    internal static DbConnection Open(StorageKind kind, string connection) =>
        kind == StorageKind.Postgres ? new NpgsqlConnection(connection) : new SqliteConnection(connection);

    internal static async Task ExecuteAsync(StorageKind kind, string connection, string sql)
    {
        await using var db = Open(kind, connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<(string Key, long Version)>> ReadAllStatesAsync(StorageKind kind, string connection)
    {
        await using var db = Open(kind, connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT grain_key, version FROM grain_state ORDER BY grain_key";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }
}
