using CityBrain.Storage.Internal;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace CityBrain.Storage.Placement;

/// <summary>
/// The placement of the always-active shard grains (deadline, outbox and view projector shards): each goes to the silo
/// that ranks first for it (<see cref="ShardHome.Of"/>), so a cluster's shards are spread over its silos, a silo that
/// leaves takes only its own shards with it, and a silo that comes back gets the same ones again
/// (<see cref="ShardHoming"/> moves them). Orleans' default placement would put every shard on the silo that first
/// called it: the first silo of a cluster, which then delivered and fired everything alone.
/// </summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class ShardPlacement : PlacementStrategy;

/// <summary>Places a grain class by <see cref="ShardPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(new ShardPlacement());

/// <summary>Chooses the silo for a shard: the one a placement hint names (a move started by <see cref="ShardHoming"/>),
/// else the compatible silo that ranks first for it.</summary>
internal sealed class ShardPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        return Task.FromResult(IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) ?? ShardHome.Of(target.GrainIdentity, silos));
    }
}

/// <summary>
/// Rendezvous (highest random weight) hashing of a grain over silos: every silo scores a stable hash of the grain's id
/// and the silo's endpoint, and the highest score wins. Every process computes the same answer from the same silos; a
/// silo joining takes only the grains it now wins, and a silo leaving hands on only its own. The endpoint, not the
/// silo address, is hashed: a silo restarted on the same endpoint (a new generation) wins the same grains again.
/// </summary>
public static class ShardHome
{
    /// <summary>The silo among <paramref name="silos"/> (not empty) that ranks first for <paramref name="grain"/>.</summary>
    public static SiloAddress Of(GrainId grain, IReadOnlyList<SiloAddress> silos)
    {
        ArgumentOutOfRangeException.ThrowIfZero(silos.Count);
        var key = Shards.Hash(grain.ToString());
        var best = silos[0];
        var bestScore = Score(key, best);
        for (var i = 1; i < silos.Count; i++)
        {
            var score = Score(key, silos[i]);
            if (score > bestScore || (score == bestScore && silos[i].CompareTo(best) < 0))
            {
                (best, bestScore) = (silos[i], score);
            }
        }

        return best;
    }

    // The two stable hashes side by side, through a bijective mixer: distinct pairs score apart unless a hash collides.
    private static ulong Score(uint key, SiloAddress silo) => Finish(((ulong)key << 32) | Shards.Hash(silo.Endpoint.ToString()));

    // A 64-bit finalizer (as in SplitMix64): every bit of the pair moves the whole score.
    private static ulong Finish(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
        return z ^ (z >> 31);
    }
}
