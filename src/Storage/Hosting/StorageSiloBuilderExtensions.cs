using System.Data.Common;
using CityBrain.Storage.Deadlines;
using CityBrain.Storage.Feeds;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using CityBrain.Storage.Outbox;
using CityBrain.Storage.Placement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace CityBrain.Storage;

/// <summary>Registers CityBrain's storage on a silo.</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>The name of the ADO.NET grain storage provider for ordinary grain state (<c>[PersistentState(name, "state")]</c>).
    /// It is also the default provider.</summary>
    public const string StateStorage = "state";

    /// <summary>
    /// Adds the journal store (journals of event-sourced grains, the change feed, durable deadlines with their shards) and
    /// the Orleans ADO.NET grain storage for ordinary state (<see cref="StateStorage"/>, also the default), both on the
    /// database of <see cref="StorageOptions"/>; applies the schema when the silo starts, before any provider reads it.
    /// </summary>
    public static ISiloBuilder AddCityBrainStorage(this ISiloBuilder silo, Action<StorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new StorageOptions();
        configure(options);
        return silo.AddCityBrainStorage(options);
    }

    /// <summary>As <see cref="AddCityBrainStorage(ISiloBuilder, Action{StorageOptions})"/>, from the configuration section
    /// <see cref="StorageOptions.Section"/>; the outbox from <see cref="OutboxOptions.Section"/>.</summary>
    public static ISiloBuilder AddCityBrainStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        silo.Services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        return silo.AddCityBrainStorage(configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions());
    }

    private static ISiloBuilder AddCityBrainStorage(this ISiloBuilder silo, StorageOptions settings)
    {
        var services = silo.Services;
        services.AddOptions<StorageOptions>().Configure(o => Copy(settings, o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(sp => new JournalStore(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<BackgroundClock>(), sp.GetRequiredService<ILogger<JournalStore>>()));
        services.TryAddSingleton(BackgroundClock.Create);

        // A StorageUnavailableException carries the database driver's exception as its cause; when it crosses to another
        // silo, Orleans must be able to write that cause (it knows only System.*, Microsoft.* and Azure.* exceptions by
        // default, and fails the whole response for any other: the caller would see an internal error, not UNAVAILABLE).
        services.Configure<ExceptionSerializationOptions>(o =>
        {
            var previous = o.SupportedExceptionTypeFilter;
            o.SupportedExceptionTypeFilter = type => typeof(DbException).IsAssignableFrom(type) || previous(type);
        });
        services.TryAddSingleton<IFeedReader, FeedReader>();
        services.TryAddSingleton(sp => new DeadlineWriter(sp.GetRequiredService<JournalStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAttributeToFactoryMapper<JournalAttribute>, JournalAttributeMapper>();
        services.TryAddSingleton(sp => new StorageHealth(
            sp.GetRequiredService<JournalStore>(), sp.GetRequiredService<IOptions<StorageOptions>>(), sp.GetRequiredService<BackgroundClock>(), sp.GetRequiredService<ILogger<StorageHealth>>()));
        services.AddHostedService(sp => sp.GetRequiredService<StorageHealth>());
        services.AddSingleton<StorageStartup>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<StorageStartup>());
        for (var shard = 0; shard < Shards.Count; shard++)
        {
            var key = shard;
            services.AddSingleton(new AlwaysOnGrain($"deadline shard {key}", grains => grains.GetGrain<IDeadlineShardGrain>(key).Ping()));
        }

        AddOutbox(services);
        services.AddPlacementDirector<ShardPlacement, ShardPlacementDirector>();
        services.TryAddSingleton(sp => new ShardHoming(
            sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<ILocalSiloDetails>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<JournalStore>(), sp.GetRequiredService<ILogger<ShardHoming>>()));
        services.AddSingleton<AlwaysOnKeeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<AlwaysOnKeeper>());

        var invariant = DatabaseSchema.OrleansInvariant(settings.Database);
        var connection = DatabaseSchema.TunedConnectionString(settings.Database, settings.ConnectionString, "citybrain-state", ConnectionBudget.GrainStatePool);
        var serializer = new StateSerializer();
        silo.AddAdoNetGrainStorage(StateStorage, o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connection;
            o.GrainStorageSerializer = serializer;
        });
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connection;
            o.GrainStorageSerializer = serializer;
        });
        return silo;
    }

    /// <summary>The outbox: its options (<see cref="OutboxOptions.Section"/>), the webhook and log channels, the admin
    /// operations, the metrics, and one always-active delivery shard per deadline shard.</summary>
    private static void AddOutbox(IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(sp => new OutboxMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new OutboxAdmin(sp.GetRequiredService<JournalStore>(), sp.GetRequiredService<TimeProvider>()));

        // One client for every webhook; connections are renewed so a receiver's DNS change is followed.
        services.AddKeyedSingleton(WebhookChannel.ChannelName, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        });
        services.AddSingleton<IOutboxChannel>(sp => new WebhookChannel(sp.GetRequiredKeyedService<HttpClient>(WebhookChannel.ChannelName), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IOutboxChannel, LoggingChannel>();
        for (var shard = 0; shard < Shards.Count; shard++)
        {
            var key = shard;
            services.AddSingleton(new AlwaysOnGrain($"outbox shard {key}", grains => grains.GetGrain<IOutboxShardGrain>(key).Ping()));
        }
    }

    private static void Copy(StorageOptions from, StorageOptions to)
    {
        to.Database = from.Database;
        to.ConnectionString = from.ConnectionString;
        to.MaxBatchSize = from.MaxBatchSize;
        to.RetryAfter = from.RetryAfter;
        to.FeedPollInterval = from.FeedPollInterval;
        to.FeedReadInterval = from.FeedReadInterval;
        to.DeadlineCheckpointInterval = from.DeadlineCheckpointInterval;
        to.ProbeInterval = from.ProbeInterval;
        to.OutageProbeInterval = from.OutageProbeInterval;
        to.ProbeTimeout = from.ProbeTimeout;
        to.MigrateOnStart = from.MigrateOnStart;
        to.MaxConnections = from.MaxConnections;
    }
}
