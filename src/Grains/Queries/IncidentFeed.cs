using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.Queries;

/// <summary>
/// The incident feed: every committed incident transition, published by the incident grain in the same transaction
/// as its journal append (so the feed and the journals never disagree), in commit order across the center. Each entry
/// carries the change a watch sees and the notices the view projector delivers to department queues and boards.
/// </summary>
public static class IncidentFeed
{
    /// <summary>The feed's name in the runtime's change feeds.</summary>
    public const string Name = "incidents";

    /// <summary>The entry to publish for <paramref name="events"/>, just applied to <paramref name="incident"/>, which
    /// had <paramref name="previousStatus"/> and <paramref name="previousLevel"/> before them.</summary>
    internal static IncidentFeedEntry Describe(
        Incident incident, IncidentStatus previousStatus, int previousLevel, IReadOnlyList<IncidentEvent> events, IReadOnlyList<ViewNotice> notices)
    {
        var entry = new IncidentFeedEntry { Change = Change(incident, events) };
        entry.Change.PreviousStatus = previousStatus;
        entry.Change.PreviousEscalationLevel = previousLevel;
        entry.Notices.Add(notices);
        return entry;
    }

    private static IncidentChange Change(Incident incident, IReadOnlyList<IncidentEvent> events)
    {
        var change = new IncidentChange
        {
            IncidentId = incident.Id,
            Status = incident.Status,
            Version = incident.Version,
            RecordedAt = incident.UpdatedAt,
            Source = incident.Source,
            CategoryCode = incident.CategoryCode,
            Severity = incident.Severity,
            GridId = incident.GridId,
            CommunityId = incident.CommunityId,
            StreetId = incident.StreetId,
            EscalationLevel = incident.EscalationLevel,
            Exercise = incident.Exercise,
            DrillId = incident.DrillId,
        };
        foreach (var assignment in incident.Assignments.Items())
        {
            if (!change.DepartmentIds.Contains(assignment.DepartmentId))
            {
                change.DepartmentIds.Add(assignment.DepartmentId);
            }
        }

        change.Events.Add(events);
        return change;
    }
}
