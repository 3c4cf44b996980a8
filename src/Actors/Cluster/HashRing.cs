namespace CityBrain.Actors.Cluster;

/// <summary>
/// A consistent-hash ring over the active silos: each silo has <c>virtualNodes</c> points, a grain belongs to
/// the first point at or after its <see cref="GrainId.StableHash"/> (wrapping). The ring depends only on the set
/// of silo ids, so every silo computes the same owner from the same view.
/// </summary>
internal sealed class HashRing
{
    private readonly uint[] _points;
    private readonly SiloInfo[] _owners;

    public HashRing(IEnumerable<SiloInfo> silos, int virtualNodes)
    {
        var points = new List<(uint Point, SiloInfo Silo)>();
        foreach (var silo in silos.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            for (var i = 0; i < virtualNodes; i++)
            {
                points.Add((Hash($"{silo.Id}#{i}"), silo));
            }
        }

        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : string.CompareOrdinal(a.Silo.Id, b.Silo.Id));
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Silo).ToArray();
    }

    public bool IsEmpty => _points.Length == 0;

    public SiloInfo Owner(uint hash)
    {
        if (_points.Length == 0)
        {
            throw new InvalidOperationException("The cluster has no active silo.");
        }

        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }

        return _owners[index == _points.Length ? 0 : index];
    }

    public SiloInfo Owner(GrainId grain) => Owner(grain.StableHash());

    internal static uint Hash(string text) => StableHashing.Hash(text);
}
