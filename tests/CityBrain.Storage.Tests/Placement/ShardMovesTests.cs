using CityBrain.Storage.Placement;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Storage.Tests.Orleans;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Storage.Tests.Placement;

[Collection(DatabaseCollection.Name)]
public sealed class ShardMovesTests(DatabaseFixture databases)
{
    private static readonly DateTimeOffset Due = StorageCluster.Start.AddMinutes(10);

    private static readonly GrainId[] Shards =
    [
        .. Enumerable.Range(0, 8).Select(i => GrainId.Create("citybrain-deadline-shard", i.ToString())),
        .. Enumerable.Range(0, 8).Select(i => GrainId.Create("citybrain-outbox-shard", i.ToString())),
    ];

    /// <summary>
    /// The shards all start on the first silo (it is alone). Two silos join: nothing moves before they have been active
    /// for the settle time, then each shard moves to the silo that ranks first for it, and the deadlines armed before the
    /// move fire once each. One silo then stops: its shards are placed on their homes among the two that stay.
    /// </summary>
    [Fact]
    public async Task SilosJoin_ShardsMoveToTheirHomesAfterTheSettleTime_DeadlinesFireOnce_AndALeavingSilosShardsGoHome()
    {
        await using var cluster = await StorageCluster.StartAsync(DatabaseKind.Postgres, await databases.NewMigratedDatabaseAsync(DatabaseKind.Postgres));
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => cluster.Grains.GetGrain<ITallyGrain>($"j{i}").Arm("sla", Due)));
        Assert.Equal(40, await cluster.ShardsCaughtUpAsync());
        var first = cluster.Cluster.Silos[0].SiloAddress;
        Assert.All(Shards, shard => Assert.Equal(first, Where(cluster, shard)));

        await cluster.Cluster.StartAdditionalSiloAsync();
        await cluster.Cluster.StartAdditionalSiloAsync();
        var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress).ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(silos.All(silo => ActiveSeenBy(cluster, silo) == 3)), TimeSpan.FromSeconds(60), "every silo sees three active silos");
        // Each silo's homing notes when it first saw the others active (on the grains' clock, which stands still here).
        Assert.All(silos, silo => Assert.Null(cluster.SiloServicesOf(silo).GetRequiredService<ShardHoming>().HomeElsewhere(Shards[0])));
        Assert.All(Shards, shard => Assert.Equal(first, Where(cluster, shard)));

        await cluster.AdvanceAsync(ShardHoming.SettleTime);
        await Eventually.TrueAsync(() => Task.FromResult(Shards.All(shard => Equals(Where(cluster, shard), ShardHome.Of(shard, silos)))),
            TimeSpan.FromSeconds(60), "every shard on its home silo");
        // The wait above is the check that each shard moved to its home. Rendezvous hashing promises no even spread: one
        // of the three silos wins none of the 16 shards for 3·(2/3)^16, about 1 in 200, of the random port sets (computed,
        // not measured), so the count of silos holding shards is not asserted; that some shard left the first silo is.
        Assert.Contains(Shards, shard => !Equals(Where(cluster, shard), first));

        Assert.Equal(40, await cluster.ShardsCaughtUpAsync());
        await cluster.AdvanceAsync(TimeSpan.FromMinutes(10));
        await cluster.Log.WaitAsync(fired => fired.Count >= 40);
        Assert.Equal(0, await cluster.ShardsSettledAsync());
        Assert.Equal(40, cluster.Log.Fired.Select(f => f.Grain).Distinct().Count());
        Assert.Equal(40, cluster.Log.Fired.Count);

        var leaving = cluster.Cluster.Silos.First(s => s.SiloAddress != first && Shards.Any(shard => Equals(Where(cluster, shard), s.SiloAddress)));
        await cluster.Cluster.StopSiloAsync(leaving);
        var rest = silos.Where(s => !s.Equals(leaving.SiloAddress)).ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(Shards.All(shard => Equals(Where(cluster, shard), ShardHome.Of(shard, rest)))),
            TimeSpan.FromSeconds(60), "every shard of the stopped silo on its home among the others");
    }

    private static SiloAddress? Where(StorageCluster cluster, GrainId shard) =>
        cluster.Cluster.TryGetGrainContext(shard, out var context) ? context.Address.SiloAddress : null;

    private static int ActiveSeenBy(StorageCluster cluster, SiloAddress silo) =>
        cluster.SiloServicesOf(silo).GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
}
