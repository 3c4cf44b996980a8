using CityBrain.Storage;
using CityBrain.Testing;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the run (CITYBRAIN_PG, or a private one) and a temp folder for SQLite files;
/// every test gets a database of its own.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private readonly string _sqliteFolder = Path.Combine(Path.GetTempPath(), "citybrain-grains-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresServer? _postgres;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_sqliteFolder);
        return Task.CompletedTask;
    }

    public async Task<string> NewDatabaseAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            return $"Data Source={Path.Combine(_sqliteFolder, Guid.NewGuid().ToString("N") + ".db")}";
        }

        _postgres ??= await PostgresServer.FromEnvironmentOrStartAsync();
        return await _postgres.CreateDatabaseAsync("grains");
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
