using CityBrain.Storage.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityBrain.Storage.Tests.Schema;

[Collection(DatabaseCollection.Name)]
public sealed class SchemaMigratorTests(DatabaseFixture databases)
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Migrate_Twice_AppliesEveryScriptOnce(DatabaseKind kind)
    {
        var connection = await databases.NewDatabaseAsync(kind);

        var first = await DatabaseSchema.MigrateAsync(kind, connection);
        var second = await DatabaseSchema.MigrateAsync(kind, connection);

        Assert.True(first > 0);
        Assert.Equal(0, second);
        Assert.Equal(first, await ScalarAsync(kind, connection, "SELECT count(*) FROM cb_migration"));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Migrate_DatabaseNewerThanBuild_RefusesAndChangesNothing(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await ScalarAsync(kind, connection, "INSERT INTO cb_migration (component, version, description, applied_at) VALUES ('storage', 9999, 'from the future', 'x')");
        var before = await ScalarAsync(kind, connection, "SELECT count(*) FROM cb_migration");

        var error = await Assert.ThrowsAsync<SchemaException>(() => DatabaseSchema.MigrateAsync(kind, connection));

        Assert.Contains("9999", error.Message);
        Assert.Equal(before, await ScalarAsync(kind, connection, "SELECT count(*) FROM cb_migration"));
    }

    [Fact]
    public async Task Migrate_TwoProcessesAtOnce_BothSucceedAndApplyOnce()
    {
        var connection = await databases.NewDatabaseAsync(DatabaseKind.Postgres);

        var results = await Task.WhenAll(
            DatabaseSchema.MigrateAsync(DatabaseKind.Postgres, connection),
            DatabaseSchema.MigrateAsync(DatabaseKind.Postgres, connection));

        Assert.Equal(results.Max(), results.Sum());
        Assert.Equal(results.Max(), await ScalarAsync(DatabaseKind.Postgres, connection, "SELECT count(*) FROM cb_migration"));
    }

    internal static async Task<long> ScalarAsync(DatabaseKind kind, string connectionString, string sql)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            await using var sqlite = new SqliteConnection(connectionString);
            await sqlite.OpenAsync();
            await using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var postgres = new NpgsqlConnection(connectionString);
        await postgres.OpenAsync();
        await using var pgCommand = new NpgsqlCommand(sql, postgres);
        return Convert.ToInt64(await pgCommand.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }
}
