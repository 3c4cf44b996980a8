using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Actors.Hosting;

internal sealed class ActorsBuilder(IServiceCollection services) : IActorsBuilder
{
    public IServiceCollection Services { get; } = services;

    public List<Assembly> GrainAssemblies { get; } = [];

    public List<MigrationSet> Migrations { get; } = [MigrationSet.Runtime];

    public IActorsBuilder AddGrains(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        GrainAssemblies.Add(assembly);
        return this;
    }

    public IActorsBuilder AddMigrations(MigrationSet migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        Migrations.Add(migrations);
        return this;
    }

    public IActorsBuilder UsePostgres(string connectionString) => Use(StorageProvider.Postgres, connectionString);

    public IActorsBuilder UseSqlite(string connectionString) => Use(StorageProvider.Sqlite, connectionString);

    private ActorsBuilder Use(StorageProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Services.Configure<ActorRuntimeOptions>(options =>
        {
            options.Storage.Provider = provider;
            options.Storage.ConnectionString = connectionString;
        });
        return this;
    }
}
