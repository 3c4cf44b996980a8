using CityBrain.Testing;

namespace CityBrain.Storage.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the run (CITYBRAIN_PG, or a private one) and a temp folder for SQLite files;
/// every test gets a database of its own.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private readonly string _sqliteFolder = Path.Combine(Path.GetTempPath(), "citybrain-storage-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresServer? _postgres;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_sqliteFolder);
        return Task.CompletedTask;
    }

    /// <summary>The PostgreSQL server (started on first use).</summary>
    public async Task<PostgresServer> PostgresAsync() => _postgres ??= await PostgresServer.FromEnvironmentOrStartAsync();

    /// <summary>An empty database of <paramref name="kind"/>, as a connection string.</summary>
    public async Task<string> NewDatabaseAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            return $"Data Source={Path.Combine(_sqliteFolder, Guid.NewGuid().ToString("N") + ".db")}";
        }

        return await (await PostgresAsync()).CreateDatabaseAsync("storage");
    }

    /// <summary>A database of <paramref name="kind"/> with the schema applied.</summary>
    public async Task<string> NewMigratedDatabaseAsync(DatabaseKind kind)
    {
        var connection = await NewDatabaseAsync(kind);
        await DatabaseSchema.MigrateAsync(kind, connection);
        return connection;
    }

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(_sqliteFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseFixture>
{
    public const string Name = "database";
}
