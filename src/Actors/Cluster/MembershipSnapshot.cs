namespace CityBrain.Actors.Cluster;

/// <summary>The membership table as read at one moment, with the database clock at that moment.</summary>
internal sealed record MembershipSnapshot(long Version, IReadOnlyList<SiloInfo> Silos, DateTimeOffset DatabaseNow);
