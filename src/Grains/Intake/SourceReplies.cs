using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.Intake;

/// <summary>
/// What an incident tells the source it came from (a 12345 work order's platform) about a committed step: a status
/// update for 受理 accepted, 不予受理 rejected and 派遣 assigned, and the closing reply for 办结 closed (with the results
/// and photo links of its handling). JSON, documented in src/Gateway/README.md ("12345 work orders"); no personal
/// information (the platform has its caller's). Pure: the grain stages what this returns with its append.
/// </summary>
internal static class SourceReplies
{
    /// <summary>The replies for <paramref name="events"/> (the first numbered <paramref name="firstSequence"/> in the
    /// journal), each with the id <c>{incident}/{sequence}</c>: stable, so a retried delivery carries the same key.</summary>
    /// <param name="state">The incident after the events.</param>
    /// <param name="events">The events being committed.</param>
    /// <param name="firstSequence">The journal sequence of the first of them.</param>
    /// <param name="handling">The results and photos of the handling being closed (read from the journal); used only
    /// for a Closed event.</param>
    public static List<(string Id, string Payload)> Plan(Incident state, IReadOnlyList<IncidentEvent> events, long firstSequence, IReadOnlyList<Handled> handling)
    {
        var replies = new List<(string, string)>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var (status, name) = e.KindCase switch
            {
                IncidentEvent.KindOneofCase.Accepted => ("accepted", "受理"),
                IncidentEvent.KindOneofCase.Rejected => ("rejected", "不予受理"),
                IncidentEvent.KindOneofCase.Assigned => ("assigned", "派遣"),
                IncidentEvent.KindOneofCase.Closed => ("closed", "办结"),
                _ => (null, null),
            };
            if (status is null)
            {
                continue;
            }

            replies.Add(($"{state.Id}/{firstSequence + i}", Write(state, e, status, name!, handling)));
        }

        return replies;
    }

    private static string Write(Incident state, IncidentEvent e, string status, string name, IReadOnlyList<Handled> handling) =>
        OutboxJson.Object(json =>
        {
            json.WriteString("type", e.KindCase == IncidentEvent.KindOneofCase.Closed ? "closing_reply" : "status_update");
            json.WriteString("work_order_no", state.SourceEventId);
            json.WriteString("incident_id", state.Id);
            json.WriteString("status", status);
            json.WriteString("status_name", name);
            json.WriteTime("at", e.At);
            if (e.Reason.Length > 0)
            {
                json.WriteString("reason", e.Reason);
            }

            if (e.KindCase == IncidentEvent.KindOneofCase.Assigned)
            {
                json.WriteStartArray("departments");
                foreach (var target in e.Assigned.Targets)
                {
                    json.WriteStringValue(target.DepartmentId);
                }

                json.WriteEndArray();
            }

            if (e.KindCase == IncidentEvent.KindOneofCase.Closed)
            {
                json.WriteString("result", string.Join("\n", handling.Where(h => h.Result.Length > 0).Select(h => h.Result)));
                json.WriteStartArray("photo_urls");
                foreach (var url in handling.SelectMany(h => h.PhotoUrls))
                {
                    json.WriteStringValue(url);
                }

                json.WriteEndArray();
            }
        });
}
