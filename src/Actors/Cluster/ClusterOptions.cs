namespace CityBrain.Actors;

/// <summary>Multi-silo clustering on PostgreSQL. Off by default (a single silo needs none of it).</summary>
public sealed class ClusterOptions
{
    /// <summary>Join a cluster of silos sharing the PostgreSQL database. Requires the Postgres storage provider.</summary>
    public bool Enabled { get; set; }

    /// <summary>The URL other silos use to reach this silo's silo-to-silo endpoint (HTTP/2), e.g.
    /// <c>http://10.0.0.5:11111</c>. Required when enabled.</summary>
    public string SiloAddress { get; set; } = "";

    /// <summary>This silo's public gRPC URL, listed by <c>citybrain silos</c>.</summary>
    public string GrpcUrl { get; set; } = "";

    /// <summary>This silo's HTTP URL (health, readiness), listed by <c>citybrain silos</c>.</summary>
    public string HttpUrl { get; set; } = "";

    /// <summary>How often a silo renews its lease. Default 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A silo whose lease was not renewed for this long is declared dead by the others. A silo that could
    /// not renew its own lease for 3/4 of this stops serving grains first (self-fencing). Default 4 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Points per silo on the consistent-hash ring. Default 128.</summary>
    public int VirtualNodes { get; set; } = 128;

    /// <summary>How often a call is re-sent when it meets a view change or an unreachable silo. Default 6.</summary>
    public int MaxForwardAttempts { get; set; } = 6;
}
