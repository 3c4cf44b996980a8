using CityBrain.Testing;

namespace CityBrain.Actors.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the whole test run (CITYBRAIN_PG, or a private one) and a temp folder for
/// SQLite files. Every test gets a database of its own.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private readonly string _sqliteFolder = Path.Combine(Path.GetTempPath(), "citybrain-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_sqliteFolder);
        Postgres = await PostgresServer.FromEnvironmentOrStartAsync();
    }

    public async Task<string> NewDatabaseAsync(StorageKind kind) => kind switch
    {
        StorageKind.Postgres => await Postgres.CreateDatabaseAsync("actors"),
        _ => $"Data Source={Path.Combine(_sqliteFolder, Guid.NewGuid().ToString("N") + ".db")}",
    };

    public async Task DisposeAsync()
    {
        await Postgres.DisposeAsync();
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
