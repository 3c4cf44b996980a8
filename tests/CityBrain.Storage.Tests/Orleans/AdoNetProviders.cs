using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace CityBrain.Storage.Tests.Orleans;

/// <summary>The real Orleans ADO.NET providers against a migrated database, built and started the way a silo does,
/// without a silo.</summary>
internal static class AdoNetProviders
{
    public const string StorageName = "store";

    /// <summary>A started <see cref="AdoNetGrainStorage"/>: its queries are loaded in its silo lifecycle stage, which a
    /// bare lifecycle subject runs here.</summary>
    public static async Task<AdoNetGrainStorage> StartGrainStorageAsync(DatabaseKind kind, string connectionString, string serviceId, bool deleteStateOnClear = false)
    {
        var services = new ServiceCollection()
            .AddSerializer(serializer => serializer.AddAssembly(typeof(NoteState).Assembly))
            .BuildServiceProvider();
        var options = new AdoNetGrainStorageOptions
        {
            Invariant = DatabaseSchema.OrleansInvariant(kind),
            ConnectionString = connectionString,
            GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
            DeleteStateOnClear = deleteStateOnClear,
        };
        var storage = new AdoNetGrainStorage(
            services.GetRequiredService<IActivatorProvider>(),
            NullLogger<AdoNetGrainStorage>.Instance,
            Options.Create(options),
            Options.Create(new ClusterOptions { ClusterId = "test", ServiceId = serviceId }),
            StorageName);
        var lifecycle = new SiloLifecycleSubject(NullLogger<SiloLifecycleSubject>.Instance);
        storage.Participate(lifecycle);
        await lifecycle.OnStart();
        return storage;
    }

    /// <summary>A membership table on PostgreSQL, initialized as a silo does (creating the version row if missing).</summary>
    public static async Task<AdoNetClusteringTable> StartMembershipTableAsync(string connectionString, string clusterId)
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "test" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = DatabaseSchema.OrleansInvariant(DatabaseKind.Postgres), ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    /// <summary>The client side of ADO.NET clustering: where clients find gateways.</summary>
    public static async Task<AdoNetGatewayListProvider> StartGatewayListAsync(string connectionString, string clusterId)
    {
        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = DatabaseSchema.OrleansInvariant(DatabaseKind.Postgres), ConnectionString = connectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "test" }));
        await gateways.InitializeGatewayListProviderAsync();
        return gateways;
    }

    /// <summary>A started reminder table. The provider class is internal; its registration is how a silo gets it.</summary>
    public static async Task<IReminderTable> StartReminderTableAsync(DatabaseKind kind, string connectionString, string serviceId)
    {
        var services = new ServiceCollection();
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = "test";
            o.ServiceId = serviceId;
        });
        services.UseAdoNetReminderService(options => options.Configure(o =>
        {
            o.Invariant = DatabaseSchema.OrleansInvariant(kind);
            o.ConnectionString = connectionString;
        }));
        var table = services.BuildServiceProvider().GetRequiredService<IReminderTable>();
        await table.StartAsync();
        return table;
    }
}
