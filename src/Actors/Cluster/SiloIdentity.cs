namespace CityBrain.Actors.Cluster;

/// <summary>This process's identity in the cluster: its silo-to-silo address and a generation (start time in
/// Unix ms), so that a restarted silo on the same address is a new member.</summary>
internal sealed class SiloIdentity(string address, long generation)
{
    public string Address { get; } = address;

    public long Generation { get; } = generation;

    public string Id { get; } = $"{address}@{generation}";

    /// <summary>PostgreSQL application_name of this silo's sessions: lets the cluster terminate a dead silo's sessions.</summary>
    public string ApplicationName => ApplicationNameOf(Id);

    public static string ApplicationNameOf(string siloId)
    {
        var name = "citybrain:" + siloId;
        return name.Length <= 63 ? name : name[..63];
    }
}
