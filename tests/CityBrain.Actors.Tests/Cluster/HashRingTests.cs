using CityBrain.Actors.Cluster;

namespace CityBrain.Actors.Tests.Cluster;

public sealed class HashRingTests
{
    private static SiloInfo Silo(string id) => new(id, id, "", "", 1, SiloStatus.Active, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0);

    [Fact]
    public void StableHash_IsPinned_BecausePlacementAndStoredTimersDependOnIt()
    {
        Assert.Equal(176636163u, new GrainId("incident", "42").StableHash());
        Assert.NotEqual(new GrainId("incident", "42").StableHash(), new GrainId("incident", "43").StableHash());
    }

    [Fact]
    public void Owner_ThreeSilos_SpreadsGrainsEvenlyAndAgreesRegardlessOfOrder()
    {
        var silos = new[] { Silo("http://a:1@1"), Silo("http://b:1@1"), Silo("http://c:1@1") };
        var ring = new HashRing(silos, 128);
        var reversed = new HashRing(silos.Reverse(), 128);

        var owners = Enumerable.Range(0, 30_000).Select(i => new GrainId("incident", $"i-{i}")).Select(g => (ring.Owner(g).Id, reversed.Owner(g).Id)).ToList();

        Assert.All(owners, o => Assert.Equal(o.Item1, o.Item2));
        foreach (var share in owners.GroupBy(o => o.Item1).Select(g => g.Count() / 30_000.0))
        {
            Assert.InRange(share, 0.27, 0.40);
        }
    }

    [Fact]
    public void Owner_SiloLeaves_OnlyItsGrainsMove()
    {
        var silos = new[] { Silo("http://a:1@1"), Silo("http://b:1@1"), Silo("http://c:1@1") };
        var before = new HashRing(silos, 128);
        var after = new HashRing(silos.Where(s => s.Id != "http://b:1@1"), 128);

        var grains = Enumerable.Range(0, 10_000).Select(i => new GrainId("grid", $"g-{i}")).ToList();

        Assert.All(grains.Where(g => before.Owner(g).Id != "http://b:1@1"), g => Assert.Equal(before.Owner(g).Id, after.Owner(g).Id));
        Assert.DoesNotContain(grains, g => after.Owner(g).Id == "http://b:1@1");
    }
}
