using OpenTelemetry.Resources;

namespace CityBrain.Silo.Telemetry;

/// <summary><c>service.instance.id</c>: this silo's Orleans address (address, port and generation), which tells the silos of a
/// cluster and a restarted silo apart.</summary>
internal sealed class SiloResourceDetector(ILocalSiloDetails silo) : IResourceDetector
{
    public Resource Detect() => new([new KeyValuePair<string, object>("service.instance.id", silo.SiloAddress.ToString())]);
}
