namespace CityBrain.Silo.Hosting;

/// <summary>The silo's own settings (configuration section <c>CityBrain</c>).</summary>
public sealed class SiloOptions
{
    public const string Section = "CityBrain";

    /// <summary>Where the public gRPC API listens (HTTP/2 cleartext unless a certificate is set). Default http://127.0.0.1:50051.</summary>
    public string GrpcUrl { get; set; } = "http://127.0.0.1:50051";

    /// <summary>Where the HTTP endpoints (health, readiness, status) listen. Default http://127.0.0.1:8080.</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:8080";
}
