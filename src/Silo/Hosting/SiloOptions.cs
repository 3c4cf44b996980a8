namespace CityBrain.Silo.Hosting;

/// <summary>The silo's own settings (configuration section <c>CityBrain</c>).</summary>
public sealed class SiloOptions
{
    public const string Section = "CityBrain";

    /// <summary>Where the public gRPC API listens (HTTP/2 cleartext). Default http://127.0.0.1:50051.</summary>
    public string GrpcUrl { get; set; } = "http://127.0.0.1:50051";

    /// <summary>Where the HTTP endpoints (health, readiness) listen. Default http://127.0.0.1:8080.</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>How long a grain call may take before it fails (Orleans' response timeout). Default 30 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a silo told to stop (SIGTERM) keeps answering — not ready on <c>/readyz</c> and the health check,
    /// UNAVAILABLE to new calls, finishing the calls it has — before it leaves the cluster, so that load balancers take
    /// it out first. Default 0 (leave at once).</summary>
    public TimeSpan DrainBeforeStop { get; set; } = TimeSpan.Zero;

    /// <summary>Idle activations are deactivated after this (Orleans' collection age). Default 15 min.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);
}
