namespace CityBrain.Gateway;

/// <summary>Settings of the API services (configuration section <c>CityBrain:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CityBrain:Gateway";

    /// <summary>How many events of one SubmitStream are worked on at once (read but not yet acknowledged). The server
    /// reads no further events while this many wait, so a fast sender is slowed by flow control. Default 256: enough
    /// to fill the storage's group commits, while every event in flight is memory the collector must trace (with 8
    /// streams, 1024 per stream cost the silo about a fifth more CPU per event for no more throughput).</summary>
    public int StreamWindow { get; set; } = 256;
}
