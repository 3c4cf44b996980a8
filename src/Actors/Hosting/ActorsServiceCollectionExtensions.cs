using CityBrain.Actors.Activation;
using CityBrain.Actors.Cluster;
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
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActorRuntimeOptions>>().Value;
            return options.Cluster.Enabled
                ? new SiloIdentity(options.Cluster.SiloAddress, sp.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds())
                : new SiloIdentity("local", 0);
        });
        services.TryAddSingleton<IGrainStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActorRuntimeOptions>>().Value;
            var identity = sp.GetRequiredService<SiloIdentity>();
            SqlDialect dialect = options.Storage.Provider == StorageProvider.Postgres ? new PostgresDialect() : new SqliteDialect();
            return new SqlGrainStorage(
                dialect,
                options.Storage,
                builder.Migrations,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("CityBrain.Actors.Storage"),
                sp.GetRequiredService<ActorsMetrics>(),
                options.Cluster.Enabled ? identity.ApplicationName : "citybrain",
                options.Cluster.Enabled ? identity.Id : null);
        });
        services.TryAddSingleton(sp =>
        {
            var runtime = ActivatorUtilities.CreateInstance<GrainRuntime>(sp);
            var cluster = runtime.Options.Cluster;
            if (cluster.Enabled)
            {
                runtime.Transport = sp.GetService<ISiloTransport>()
                    ?? throw new InvalidOperationException("Clustering needs an ISiloTransport for silo-to-silo calls; the silo host registers one.");
                runtime.Membership = new MembershipService(
                    cluster,
                    sp.GetRequiredService<SiloIdentity>(),
                    runtime.Options.Storage.ConnectionString,
                    runtime.TimeProvider,
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger("CityBrain.Actors.Cluster"),
                    runtime);
            }

            return runtime;
        });
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.TryAddSingleton<IGrainCallReceiver>(sp => sp.GetRequiredService<GrainRuntime>());
        services.TryAddSingleton<IClusterMembership>(sp => new ClusterMembership(sp.GetRequiredService<GrainRuntime>()));
        services.TryAddSingleton<IActorsMaintenance, ActorsMaintenance>();
        services.TryAddSingleton<IFeedReader>(sp => new FeedReader(sp.GetRequiredService<IGrainStorage>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<ActorsHostedService>();
        return builder;
    }
}
