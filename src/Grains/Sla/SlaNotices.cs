using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Telemetry;

namespace CityBrain.Grains.Sla;

/// <summary>
/// The notices of SLA warnings and breaches for the outbox (CityBrain:SlaNotices): one JSON message per warning or
/// breach, addressed to the grid head 网格长 (with the phone the city file gives, for an SMS gateway) and, for a
/// department's clock, the department. Pure: the incident grain stages what this returns with its append.
/// </summary>
internal static class SlaNotices
{
    /// <summary>(id, payload) per warning or breach among <paramref name="events"/>, the first numbered
    /// <paramref name="firstSequence"/>; the id <c>{incident}/{sequence}/sla</c> is stable across retries.</summary>
    /// <param name="state">The incident after the events.</param>
    /// <param name="events">The events being committed.</param>
    /// <param name="firstSequence">The journal sequence of the first of them.</param>
    /// <param name="city">The city (grid heads, department names).</param>
    public static List<(string Id, string Payload)> Plan(Incident state, IReadOnlyList<IncidentEvent> events, long firstSequence, CityModel city)
    {
        var notices = new List<(string, string)>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var (notice, clock, department, permille) = e.KindCase switch
            {
                IncidentEvent.KindOneofCase.SlaWarned => ("warning", e.SlaWarned.Clock, e.SlaWarned.DepartmentId, e.SlaWarned.Permille),
                IncidentEvent.KindOneofCase.SlaBreached => ("breach", e.SlaBreached.Clock, e.SlaBreached.DepartmentId, 1000),
                _ => ((string?)null, SlaClockKind.Unspecified, "", 0),
            };
            if (notice is not null)
            {
                notices.Add(($"{state.Id}/{firstSequence + i}/sla", Write(state, e, notice, clock, department, permille, city)));
            }
        }

        return notices;
    }

    private static string Write(Incident state, IncidentEvent e, string notice, SlaClockKind clock, string department, int permille, CityModel city) =>
        OutboxJson.Object(json =>
        {
            json.WriteString("type", "sla_notice");
            json.WriteString("notice", notice);
            json.WriteString("incident_id", state.Id);
            json.WriteString("clock", CityMetrics.Name(clock));
            json.WriteNumber("permille", permille);
            json.WriteString("grid_id", state.GridId);
            json.WriteTime("at", e.At);
            json.WriteStartArray("recipients");
            if (city.GridsById.TryGetValue(state.GridId, out var grid) && grid.Head is { } head)
            {
                json.WriteStartObject();
                json.WriteString("kind", "grid_head");
                json.WriteString("id", head.Id);
                json.WriteString("name", head.Name);
                json.WriteString("phone", head.Phone);
                json.WriteEndObject();
            }

            if (department.Length > 0)
            {
                json.WriteStartObject();
                json.WriteString("kind", "department");
                json.WriteString("id", department);
                json.WriteString("name", city.DepartmentsById.TryGetValue(department, out var info) ? info.Name : department);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
}
