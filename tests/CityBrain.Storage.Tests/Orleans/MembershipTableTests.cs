using System.Net;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Storage.Tests.Schema;
using Orleans.Runtime.MembershipService;

namespace CityBrain.Storage.Tests.Orleans;

/// <summary>Orleans' AdoNetClusteringTable against our clustering script (PostgreSQL): the table version protocol.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class MembershipTableTests(DatabaseFixture databases)
{
    private const string ClusterId = "city";
    private static readonly DateTime Now = new(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task InitializeMembershipTable_EmptyCluster_ReadAllReturnsVersionZeroAndNoSilos()
    {
        var table = await StartAsync();

        var data = await table.ReadAllAsync();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task InitializeMembershipTable_SecondSilo_KeepsTheVersionRow()
    {
        var connection = await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres);
        var first = await AdoNetProviders.StartMembershipTableAsync(connection, ClusterId);
        Assert.True(await first.InsertRowAsync(Entry(11111, SiloStatus.Joining), (await first.ReadAllAsync()).Version.Next()));

        var second = await AdoNetProviders.StartMembershipTableAsync(connection, ClusterId);
        var data = await second.ReadAllAsync();

        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task InsertRow_CurrentVersion_ReadAllAndReadRowReturnTheSiloAndTheNextVersion()
    {
        var table = await StartAsync();
        var entry = Entry(11111, SiloStatus.Joining);

        var inserted = await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next());
        var all = await table.ReadAllAsync();
        var row = await table.ReadRowAsync(entry.SiloAddress);

        Assert.True(inserted);
        Assert.Equal(1, all.Version.Version);
        var (read, etag) = Assert.Single(all.Members);
        AssertSame(entry, read);
        Assert.Equal(all.Version.VersionEtag, etag);
        AssertSame(entry, Assert.Single(row.Members).Item1);
        Assert.Equal(all.Version, row.Version);
    }

    [Fact]
    public async Task ReadRow_UnknownSilo_ReturnsTheVersionAndNoSilo()
    {
        var table = await StartAsync();
        await table.InsertRowAsync(Entry(11111, SiloStatus.Joining), (await table.ReadAllAsync()).Version.Next());

        var row = await table.ReadRowAsync(Entry(22222, SiloStatus.Joining).SiloAddress);

        Assert.Empty(row.Members);
        Assert.Equal(1, row.Version.Version);
    }

    [Fact]
    public async Task InsertRow_StaleVersion_RefusedAndNothingChanges()
    {
        var table = await StartAsync();
        var stale = (await table.ReadAllAsync()).Version;
        await table.InsertRowAsync(Entry(11111, SiloStatus.Joining), stale.Next());

        var inserted = await table.InsertRowAsync(Entry(22222, SiloStatus.Joining), stale.Next());

        Assert.False(inserted);
        var data = await table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task InsertRow_SiloAlreadyThere_RefusedAndVersionUnchanged()
    {
        var table = await StartAsync();
        var entry = Entry(11111, SiloStatus.Joining);
        await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next());

        var inserted = await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next());

        Assert.False(inserted);
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateRow_CurrentVersion_StoresStatusAndSuspicionsAndAdvancesVersion()
    {
        var table = await StartAsync();
        var entry = Entry(11111, SiloStatus.Joining);
        await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next());
        var (read, etag) = Assert.Single((await table.ReadAllAsync()).Members);
        var version = (await table.ReadAllAsync()).Version;
        read.Status = SiloStatus.Active;
        read.AddSuspector(Entry(22222, SiloStatus.Active).SiloAddress, Now.AddSeconds(30));
        read.IAmAliveTime = Now.AddMinutes(1);

        var updated = await table.UpdateRowAsync(read, etag, version.Next());

        Assert.True(updated);
        var after = await table.ReadAllAsync();
        Assert.Equal(2, after.Version.Version);
        var stored = Assert.Single(after.Members).Item1;
        Assert.Equal(SiloStatus.Active, stored.Status);
        Assert.Equal(Now.AddMinutes(1), stored.IAmAliveTime);
        var suspicion = Assert.Single(stored.SuspectTimes!);
        Assert.Equal(Entry(22222, SiloStatus.Active).SiloAddress, suspicion.Item1);
        Assert.Equal(Now.AddSeconds(30), suspicion.Item2);
    }

    [Fact]
    public async Task UpdateRow_StaleVersion_RefusedAndRowUnchanged()
    {
        var table = await StartAsync();
        await table.InsertRowAsync(Entry(11111, SiloStatus.Joining), (await table.ReadAllAsync()).Version.Next());
        var stale = await table.ReadAllAsync();
        await table.InsertRowAsync(Entry(22222, SiloStatus.Joining), stale.Version.Next());
        var (read, etag) = stale.Members.Single();
        read.Status = SiloStatus.Dead;

        var updated = await table.UpdateRowAsync(read, etag, stale.Version.Next());

        Assert.False(updated);
        var after = await table.ReadAllAsync();
        Assert.Equal(2, after.Version.Version);
        Assert.All(after.Members, m => Assert.Equal(SiloStatus.Joining, m.Item1.Status));
    }

    [Fact]
    public async Task UpdateRow_UnknownSilo_RefusedAndVersionUnchanged()
    {
        var table = await StartAsync();
        var version = (await table.ReadAllAsync()).Version;

        var updated = await table.UpdateRowAsync(Entry(11111, SiloStatus.Active), version.VersionEtag, version.Next());

        Assert.False(updated);
        Assert.Equal(0, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesOnlyTheHeartbeatNotTheVersion()
    {
        var table = await StartAsync();
        var entry = Entry(11111, SiloStatus.Active);
        await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next());
        var heartbeat = Entry(11111, SiloStatus.Dead);
        heartbeat.IAmAliveTime = Now.AddMinutes(3);

        await table.UpdateIAmAliveAsync(heartbeat);

        var after = await table.ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        var stored = Assert.Single(after.Members).Item1;
        Assert.Equal(Now.AddMinutes(3), stored.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, stored.Status);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesTheClustersSilosAndVersionOnly()
    {
        var connection = await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres);
        var table = await AdoNetProviders.StartMembershipTableAsync(connection, ClusterId);
        var other = await AdoNetProviders.StartMembershipTableAsync(connection, "other-city");
        await table.InsertRowAsync(Entry(11111, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next());
        await other.InsertRowAsync(Entry(11111, SiloStatus.Active), (await other.ReadAllAsync()).Version.Next());

        await table.DeleteMembershipTableEntriesAsync(ClusterId);

        Assert.Equal(0, await SchemaMigratorTests.ScalarAsync(DatabaseKind.Postgres, connection, $"SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = '{ClusterId}'"));
        Assert.Single((await other.ReadAllAsync()).Members);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.Empty((await table.ReadAllAsync()).Members);
    }

    /// <summary>Rows of silos dead for long go; a dead silo with a recent heartbeat or a recent suspicion stays, and
    /// so does every silo not dead.</summary>
    [Fact]
    public async Task CleanupDefunctSiloEntries_OldDeadSilos_RemovedOthersKept()
    {
        var table = await StartAsync();
        var oldDead = Entry(11111, SiloStatus.Dead);
        var oldDeadSuspected = Entry(11112, SiloStatus.Dead);
        oldDeadSuspected.AddSuspector(Entry(22222, SiloStatus.Active).SiloAddress, Now.AddMinutes(1));
        var recentlySuspected = Entry(11113, SiloStatus.Dead);
        recentlySuspected.AddSuspector(Entry(22222, SiloStatus.Active).SiloAddress, Now.AddHours(2));
        var recentDead = Entry(11114, SiloStatus.Dead);
        recentDead.IAmAliveTime = Now.AddHours(2);
        var oldActive = Entry(11115, SiloStatus.Active);
        foreach (var entry in new[] { oldDead, oldDeadSuspected, recentlySuspected, recentDead, oldActive })
        {
            var inserted = Entry(entry.SiloAddress.Endpoint.Port, SiloStatus.Joining);
            Assert.True(await table.InsertRowAsync(inserted, (await table.ReadAllAsync()).Version.Next()));
            var version = (await table.ReadAllAsync()).Version;
            Assert.True(await table.UpdateRowAsync(entry, version.VersionEtag, version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(Now.AddHours(1)));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order();
        Assert.Equal([11113, 11114, 11115], left);
    }

    [Fact]
    public async Task GetGateways_ActiveAndJoiningSilos_ReturnsTheActiveSilosGatewayOnly()
    {
        var connection = await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres);
        var table = await AdoNetProviders.StartMembershipTableAsync(connection, ClusterId);
        var active = Entry(11111, SiloStatus.Active);
        await table.InsertRowAsync(active, (await table.ReadAllAsync()).Version.Next());
        await table.InsertRowAsync(Entry(22222, SiloStatus.Joining), (await table.ReadAllAsync()).Version.Next());
        var gateways = await AdoNetProviders.StartGatewayListAsync(connection, ClusterId);

        var uris = await gateways.GetGatewaysAsync();

        Assert.Equal([SiloAddress.New(IPAddress.Loopback, active.ProxyPort, active.SiloAddress.Generation).ToGatewayUri()], uris);
    }

    private async Task<AdoNetClusteringTable> StartAsync() =>
        await AdoNetProviders.StartMembershipTableAsync(await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres), ClusterId);

    private static MembershipEntry Entry(int port, SiloStatus status) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 7),
        SiloName = $"silo-{port}",
        HostName = "host-a",
        Status = status,
        ProxyPort = port + 10000,
        StartTime = Now,
        IAmAliveTime = Now,
    };

    private static void AssertSame(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Null(actual.SuspectTimes);
    }
}
