using CityBrain.Actors.Activation;
using CityBrain.Actors.Diagnostics;
using CityBrain.Actors.Hosting;
using CityBrain.Actors.Storage;
using CityBrain.Actors.Storage.Sql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Actors;

/// <summary>Registers the actor runtime.</summary>
public static class ActorsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the actor runtime: <see cref="IGrainFactory"/>, grain storage, reminders and deadlines, and a hosted
    /// service that migrates the schema, loads pending timers and, on stop, deactivates every grain.
    /// Uses the registered <see cref="TimeProvider"/> (the system clock unless one is registered).
    /// </summary>
    public static IActorsBuilder AddActors(this IServiceCollection services, Action<ActorRuntimeOptions>? configure = null)
    {
        var builder = new ActorsBuilder(services);
        services.AddOptions<ActorRuntimeOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActorRuntimeOptions>, ActorRuntimeOptionsValidator>());
        services.TryAddSingleton(sp => new ActorsMetrics(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(_ => new GrainTypeRegistry(builder.GrainAssemblies));
        services.TryAddSingleton<IGrainStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActorRuntimeOptions>>().Value.Storage;
            SqlDialect dialect = options.Provider == StorageProvider.Postgres ? new PostgresDialect() : new SqliteDialect();
            return new SqlGrainStorage(
                dialect,
                options,
                builder.Migrations,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("CityBrain.Actors.Storage"),
                sp.GetRequiredService<ActorsMetrics>());
        });
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.TryAddSingleton<IActorsMaintenance, ActorsMaintenance>();
        services.AddHostedService<ActorsHostedService>();
        return builder;
    }
}
