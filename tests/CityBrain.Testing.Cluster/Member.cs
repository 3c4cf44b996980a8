namespace CityBrain.Testing.Cluster;

/// <summary>A row of the Orleans membership table: one silo incarnation.</summary>
public sealed record Member(string Address, int Port, int Generation, string Name, MemberStatus Status, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt)
{
    public override string ToString() => $"{Name} ({Address}:{Port}, generation {Generation})";
}

/// <summary>Orleans' silo statuses as the membership table stores them.</summary>
public enum MemberStatus
{
    None = 0,
    Created = 1,
    Joining = 2,
    Active = 3,
    ShuttingDown = 4,
    Stopping = 5,
    Dead = 6,
}
