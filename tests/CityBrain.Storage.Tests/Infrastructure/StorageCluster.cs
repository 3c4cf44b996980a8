using CityBrain.Storage.Deadlines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace CityBrain.Storage.Tests.Infrastructure;

/// <summary>
/// One in-process silo on a test database with the journal store, a <see cref="FakeTimeProvider"/> as the grains' clock
/// (Orleans' and the store's background loops keep real time), and a <see cref="DeadlineLog"/>. Disposing it stops
/// the silo; a new one on the same database plays a restart.
/// </summary>
public sealed class StorageCluster : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private StorageCluster(InProcessTestCluster cluster, FakeTimeProvider time, DeadlineLog log)
    {
        Cluster = cluster;
        Time = time;
        Log = log;
    }

    public InProcessTestCluster Cluster { get; }

    public FakeTimeProvider Time { get; }

    public DeadlineLog Log { get; }

    public IGrainFactory Grains => Cluster.Client;

    public IServiceProvider SiloServices => Cluster.GetSiloServiceProvider();

    /// <summary>The services of the silo at <paramref name="silo"/> (of several).</summary>
    public IServiceProvider SiloServicesOf(SiloAddress silo) => Cluster.GetSiloServiceProvider(silo);

    /// <summary>Starts the silo; <paramref name="fold"/> replaces the tally journal's <see cref="TallyFold"/>;
    /// <paramref name="services"/> adds to the silo's container (an outbox channel, outbox options).</summary>
    public static async Task<StorageCluster> StartAsync(
        DatabaseKind kind, string connectionString, FakeTimeProvider? time = null, Action<StorageOptions>? configure = null, IJournalFold<Tally, Added>? fold = null,
        Action<IServiceCollection>? services = null)
    {
        time ??= new FakeTimeProvider(Start);
        var log = new DeadlineLog();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddSingleton(log);
            silo.Services.AddSingleton(fold ?? new TallyFold());
            silo.AddCityBrainStorage(o =>
            {
                o.Database = kind;
                o.ConnectionString = connectionString;
                o.FeedPollInterval = TimeSpan.FromMilliseconds(50);
                configure?.Invoke(o);
            });
            services?.Invoke(silo.Services);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new StorageCluster(cluster, time, log);
    }

    /// <summary>Waits until every deadline shard has read the feed up to its current end; returns the deadlines they hold.</summary>
    public Task<int> ShardsCaughtUpAsync() =>
        DeadlineShards.CaughtUpAsync(Grains, SiloServices.GetRequiredService<IFeedReader>()).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>As <see cref="ShardsCaughtUpAsync"/>, once no shard has a firing in flight: after a test saw deliveries, the
    /// deadlines still held (a delivery is recorded by its grain before the shard retires the deadline).</summary>
    public Task<int> ShardsSettledAsync() =>
        DeadlineShards.SettledAsync(Grains, SiloServices.GetRequiredService<IFeedReader>()).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Moves the grains' clock forward (timers due meanwhile fire on their grains' schedulers).</summary>
    public Task AdvanceAsync(TimeSpan by) => Task.Run(() => Time.Advance(by)).WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
