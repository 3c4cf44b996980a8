using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityBrain.Silo.Hosting;

/// <summary>Healthy while the silo can serve (<see cref="ReadyBanner.NotReadyReason"/>): started and not stopping, an active
/// member of the cluster, the database answering, a city loaded. The gRPC health service reports it (NOT_SERVING with the reason in the log).</summary>
internal sealed class SiloReadinessCheck(ReadyBanner banner) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(banner.NotReadyReason() is { } why ? HealthCheckResult.Unhealthy(why) : HealthCheckResult.Healthy());
}
