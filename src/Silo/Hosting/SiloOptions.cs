namespace CityBrain.Silo.Hosting;

/// <summary>The silo's own settings (configuration section <c>CityBrain</c>).</summary>
public sealed class SiloOptions
{
    public const string Section = "CityBrain";

    /// <summary>Where the public gRPC API listens (HTTP/2 cleartext). Default http://127.0.0.1:50051.</summary>
    public string GrpcUrl { get; set; } = "http://127.0.0.1:50051";

    /// <summary>Where the HTTP endpoints (health, readiness) listen. Default http://127.0.0.1:8080.</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Where the silo-to-silo endpoint listens when clustering is on (HTTP/2). Default http://127.0.0.1:11111.
    /// Other silos reach it at <c>CityBrain:Actors:Cluster:SiloAddress</c>, which defaults to this URL.</summary>
    public string ClusterUrl { get; set; } = "http://127.0.0.1:11111";

    /// <summary>Shared secret that silos present to each other. Required when clustering is on; keep it out of
    /// files (environment variable <c>CityBrain__ClusterSecret</c> or a Kubernetes secret).</summary>
    public string ClusterSecret { get; set; } = "";
}
