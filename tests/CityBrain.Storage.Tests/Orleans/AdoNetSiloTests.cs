using CityBrain.Storage.Tests.Infrastructure;

namespace CityBrain.Storage.Tests.Orleans;

/// <summary>A silo configured as CityBrain configures one (AddAdoNetGrainStorage, UseAdoNetReminderService) on each
/// database, with grains of this project.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class AdoNetSiloTests(DatabaseFixture databases)
{
    private const string ServiceId = "citybrain-test";

    /// <summary>dotnet/orleans#8746: the grain state row is keyed by (service, state name, grain key), not by the grain
    /// class. <see cref="IncidentNoteGrain"/> and <see cref="UnitNoteGrain"/> both name their state "note", so with the
    /// same key each reads, and would overwrite, the other's state. This is why every CityBrain grain class must use
    /// its own state name.</summary>
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ReadState_TwoGrainClassesWithSameStateNameAndKey_ReadEachOthersState(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var silo = await StartSiloAsync(kind, connection);

        await silo.Grains.GetGrain<IIncidentNoteGrain>("42").WriteAsync("incident 42: road closed");
        var readByUnitGrain = await silo.Grains.GetGrain<IUnitNoteGrain>("42").ReadAsync();

        Assert.Equal("incident 42: road closed", readByUnitGrain);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task WriteState_DifferentKeys_EachGrainReadsItsOwnAfterRestart(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using (var silo = await StartSiloAsync(kind, connection))
        {
            await silo.Grains.GetGrain<IIncidentNoteGrain>("1").WriteAsync("first");
            await silo.Grains.GetGrain<IIncidentNoteGrain>("2").WriteAsync("second");
            await silo.Grains.GetGrain<IIncidentNoteGrain>("2").WriteAsync("second, again");
        }

        await using var restarted = await StartSiloAsync(kind, connection);

        Assert.Equal("first", await restarted.Grains.GetGrain<IIncidentNoteGrain>("1").ReadAsync());
        Assert.Equal("second, again", await restarted.Grains.GetGrain<IIncidentNoteGrain>("2").ReadAsync());
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task RegisterOrUpdateReminder_InSilo_StoresTheReminderRow(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var silo = await StartSiloAsync(kind, connection);
        var grain = silo.Grains.GetGrain<IIncidentNoteGrain>("42");

        await grain.RemindAsync("escalate");

        var table = await AdoNetProviders.StartReminderTableAsync(kind, connection, ServiceId);
        var row = await table.ReadRow(grain.GetGrainId(), "escalate");
        Assert.NotNull(row);
        Assert.Equal(TimeSpan.FromHours(1), row.Period);
    }

    private static Task<TestSilo> StartSiloAsync(DatabaseKind kind, string connection) => TestSilo.StartAsync((silo, siloPort, gatewayPort) => silo
        .UseLocalhostClustering(siloPort, gatewayPort, serviceId: ServiceId, clusterId: "city")
        .AddAdoNetGrainStorage(AdoNetProviders.StorageName, o =>
        {
            o.Invariant = DatabaseSchema.OrleansInvariant(kind);
            o.ConnectionString = connection;
        })
        .UseAdoNetReminderService(o =>
        {
            o.Invariant = DatabaseSchema.OrleansInvariant(kind);
            o.ConnectionString = connection;
        }));
}
