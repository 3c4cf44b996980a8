using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Actors;

/// <summary>Configures the actor runtime registered by <see cref="ActorsServiceCollectionExtensions.AddActors"/>.</summary>
public interface IActorsBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>Adds every grain class in the assembly.</summary>
    IActorsBuilder AddGrains(Assembly assembly);

    /// <summary>Adds schema migrations of another component, applied after the runtime's own.</summary>
    IActorsBuilder AddMigrations(MigrationSet migrations);

    /// <summary>Stores grains in PostgreSQL.</summary>
    IActorsBuilder UsePostgres(string connectionString);

    /// <summary>Stores grains in an SQLite file.</summary>
    IActorsBuilder UseSqlite(string connectionString);
}
