namespace CityBrain.Silo.Cluster;

/// <summary>The shared secret silos present to each other on the silo-to-silo port.</summary>
internal sealed record ClusterSecret(string Value)
{
    public const string HeaderName = "x-citybrain-cluster-secret";
}
