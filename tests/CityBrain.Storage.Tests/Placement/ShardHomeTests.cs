using System.Net;
using CityBrain.Storage.Placement;

namespace CityBrain.Storage.Tests.Placement;

public sealed class ShardHomeTests
{
    // The cluster's always-active shards: 8 deadline, 8 outbox and 2 view projector shards.
    private static readonly GrainId[] ClusterShards =
    [
        .. Enumerable.Range(0, 8).Select(i => GrainId.Create("citybrain-deadline-shard", i.ToString())),
        .. Enumerable.Range(0, 8).Select(i => GrainId.Create("citybrain-outbox-shard", i.ToString())),
        .. Enumerable.Range(0, 2).Select(i => GrainId.Create("citybrain-view-projector", i.ToString())),
    ];

    private static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    [Fact]
    public void ThreeSilos_EachGetsAShareOfTheShards()
    {
        var silos = new[] { Silo(11111), Silo(11112), Silo(11113) };

        var counts = ClusterShards.GroupBy(shard => ShardHome.Of(shard, silos)).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, count => Assert.InRange(count, 3, 10));
    }

    [Fact]
    public void SameSilosInAnyOrder_SameHomes()
    {
        var silos = new[] { Silo(11111), Silo(11112), Silo(11113), Silo(11114) };
        var reversed = silos.Reverse().ToArray();

        Assert.All(ClusterShards, shard => Assert.Equal(ShardHome.Of(shard, silos), ShardHome.Of(shard, reversed)));
    }

    [Fact]
    public void SiloJoins_OnlyTheShardsItWinsMove_AllToIt()
    {
        var before = new[] { Silo(11111), Silo(11112), Silo(11113) };
        var joined = Silo(11114);
        var after = before.Append(joined).ToArray();

        var moved = ClusterShards.Where(shard => !ShardHome.Of(shard, before).Equals(ShardHome.Of(shard, after))).ToList();

        Assert.NotEmpty(moved);
        Assert.All(moved, shard => Assert.Equal(joined, ShardHome.Of(shard, after)));
    }

    [Fact]
    public void SiloLeaves_OnlyItsShardsMove()
    {
        var all = new[] { Silo(11111), Silo(11112), Silo(11113) };
        var left = all[1];
        var rest = all.Where(s => !s.Equals(left)).ToArray();

        foreach (var shard in ClusterShards)
        {
            var home = ShardHome.Of(shard, all);
            Assert.Equal(home.Equals(left) ? ShardHome.Of(shard, rest) : home, ShardHome.Of(shard, rest));
        }

        Assert.Contains(ClusterShards, shard => ShardHome.Of(shard, all).Equals(left));
    }

    [Fact]
    public void SiloRestartedOnTheSameEndpoint_GetsTheSameShardsBack()
    {
        var first = new[] { Silo(11111, generation: 1), Silo(11112, generation: 1), Silo(11113, generation: 1) };
        var restarted = new[] { first[0], Silo(11112, generation: 2), first[2] };

        Assert.All(ClusterShards, shard => Assert.Equal(ShardHome.Of(shard, first).Endpoint, ShardHome.Of(shard, restarted).Endpoint));
    }

    [Fact]
    public void NoSilo_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardHome.Of(ClusterShards[0], []));
}
