using CityBrain.Contracts;

namespace CityBrain.Grains.Incidents;

/// <summary>
/// Told, inside the incident's turn, after each committed transition (register as a singleton; must be quick and
/// must not throw). The in-process seam for a change feed (issue 4's WatchIncidents), metrics and tests.
/// </summary>
public interface IIncidentObserver
{
    /// <summary>The events just made durable and the incident after them.</summary>
    void OnCommitted(Incident incident, IReadOnlyList<IncidentEvent> events, DateTimeOffset committedAt);
}
