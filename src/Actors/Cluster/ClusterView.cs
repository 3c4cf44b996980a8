namespace CityBrain.Actors.Cluster;

/// <summary>One version of the membership view and the ring it implies (active silos only).</summary>
internal sealed class ClusterView
{
    public ClusterView(long version, IReadOnlyList<SiloInfo> silos, string selfId, int virtualNodes)
    {
        Version = version;
        Silos = silos;
        SelfId = selfId;
        Ring = new HashRing(silos.Where(s => s.Status == SiloStatus.Active), virtualNodes);
        Self = silos.FirstOrDefault(s => s.Id == selfId);
    }

    public long Version { get; }

    public IReadOnlyList<SiloInfo> Silos { get; }

    public string SelfId { get; }

    public SiloInfo? Self { get; }

    public HashRing Ring { get; }

    public bool IsOwnedHere(GrainId grain) => !Ring.IsEmpty && Ring.Owner(grain).Id == SelfId;
}
