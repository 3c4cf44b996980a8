using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.Hosting;

namespace CityBrain.Gateway.Tests.Queries;

/// <summary>A server of its own whose clock these tests move, so SLA deadlines fire (exactly when due).</summary>
public sealed class SlaServer : GatewayServer
{
    protected override void ConfigureGrains(CityBrainGrainsOptions options)
    {
        base.ConfigureGrains(options);
        options.ArmSlaDeadlinesExactly = true;
    }
}
