using System.Net;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Storage.Tests.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace CityBrain.Storage.Tests.Orleans;

/// <summary>Real silos on loopback TCP that find each other only through ADO.NET clustering on PostgreSQL.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class AdoNetClusterTests(DatabaseFixture databases)
{
    private const string ServiceId = "citybrain-test";
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StartSilos_TwoOnPostgres_FormAClusterAndSeeOneLeave()
    {
        var connection = await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres);
        var clusterId = "city-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await StartSiloAsync(connection, clusterId);
        await using var second = await StartSiloAsync(connection, clusterId);

        await Eventually.TrueAsync(
            () => Task.FromResult(SeesActive(first, first, second) && SeesActive(second, first, second)),
            Convergence,
            "both silos see both as active");
        Assert.Equal(2, await SchemaMigratorTests.ScalarAsync(DatabaseKind.Postgres, connection,
            $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{clusterId}' AND Status = {(int)SiloStatus.Active}"));

        var leaving = second.Address;
        await second.StopAsync();

        await Eventually.TrueAsync(
            () => Task.FromResult(Membership(first).GetSiloStatus(leaving) == SiloStatus.Dead),
            Convergence,
            "the remaining silo sees the stopped one dead");
        Assert.Equal((int)SiloStatus.Dead, await SchemaMigratorTests.ScalarAsync(DatabaseKind.Postgres, connection,
            $"SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = '{clusterId}' AND Port = {leaving.Endpoint.Port} AND Generation = {leaving.Generation}"));
    }

    [Fact]
    public async Task ConnectClient_AdoNetClustering_FindsTheGatewayAndCallsAGrain()
    {
        var connection = await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres);
        var clusterId = "city-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await StartSiloAsync(connection, clusterId);
        await Eventually.TrueAsync(() => Task.FromResult(SeesActive(silo, silo)), Convergence, "the silo is active");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = ServiceId;
            })
            .UseAdoNetClustering(o =>
            {
                o.Invariant = DatabaseSchema.OrleansInvariant(DatabaseKind.Postgres);
                o.ConnectionString = connection;
            }));
        using var clientHost = builder.Build();
        await clientHost.StartAsync();
        try
        {
            var grain = clientHost.Services.GetRequiredService<IClusterClient>().GetGrain<IUnitNoteGrain>("7");
            Assert.Equal("", await grain.ReadAsync());
        }
        finally
        {
            await clientHost.StopAsync();
        }
    }

    private static ClusterMembershipSnapshot Membership(TestSilo silo) =>
        silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;

    private static bool SeesActive(TestSilo observer, params TestSilo[] silos) =>
        silos.All(s => Membership(observer).GetSiloStatus(s.Address) == SiloStatus.Active);

    private static Task<TestSilo> StartSiloAsync(string connection, string clusterId) => TestSilo.StartAsync((silo, siloPort, gatewayPort) => silo
        .Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = ServiceId;
        })
        .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort)
        .AddAdoNetGrainStorage(AdoNetProviders.StorageName, o =>
        {
            o.Invariant = DatabaseSchema.OrleansInvariant(DatabaseKind.Postgres);
            o.ConnectionString = connection;
        })
        .UseAdoNetClustering(o =>
        {
            o.Invariant = DatabaseSchema.OrleansInvariant(DatabaseKind.Postgres);
            o.ConnectionString = connection;
        }));
}
