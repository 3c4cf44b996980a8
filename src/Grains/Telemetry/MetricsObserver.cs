using CityBrain.Contracts;
using CityBrain.Grains.Incidents;

namespace CityBrain.Grains.Telemetry;

/// <summary>Feeds <see cref="CityMetrics"/> from the incident grain's commits: only what is durable is counted.</summary>
internal sealed class MetricsObserver(CityMetrics metrics) : IIncidentObserver
{
    public void OnCommitted(Incident incident, IReadOnlyList<IncidentEvent> events, DateTimeOffset committedAt) =>
        metrics.Committed(incident, events);
}
