using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.City;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Lifecycle;

/// <summary>
/// Plans the notices of a committed transition from the events and the states before and after it (pure):
/// departments learn of assignments opened and ended; warnings go to the board of the incident's current level,
/// escalations to the board of the level escalated to; boards are cleared when no alarmed clock is left. The incident
/// writes them into its feed entry with the journal append, and the view projector delivers them.
/// </summary>
internal static class Notifications
{
    private static readonly IReadOnlyList<EscalationLevel> DefaultChain = [EscalationLevel.Grid, EscalationLevel.Community, EscalationLevel.Street];

    /// <param name="wasTerminal">Whether the incident was finished before the events.</param>
    /// <param name="wasAlarmed">Whether a running clock had warned or breached before the events.</param>
    /// <param name="after">The incident after the events.</param>
    /// <param name="events">The events just committed.</param>
    /// <param name="city">The city (for the escalation chain), if loaded.</param>
    public static List<ViewNotice> Plan(bool wasTerminal, bool wasAlarmed, Incident after, IReadOnlyList<IncidentEvent> events, CityModel? city)
    {
        var notices = new List<ViewNotice>();
        var chain = city?.Escalation ?? DefaultChain;
        foreach (var e in events)
        {
            switch (e.KindCase)
            {
                case IncidentEvent.KindOneofCase.Assigned:
                    foreach (var target in e.Assigned.Targets.Items())
                    {
                        var clock = IncidentFold.Running(after, SlaClockKind.OnSite, target.DepartmentId);
                        notices.Add(Department(after, target.DepartmentId, open: true, e.At, clock?.DueAt));
                    }

                    break;
                case IncidentEvent.KindOneofCase.Handled:
                    notices.Add(Department(after, e.Handled.DepartmentId, open: false, null, null));
                    break;
                case IncidentEvent.KindOneofCase.AssignmentReturned:
                    notices.Add(Department(after, e.AssignmentReturned.DepartmentId, open: false, null, null));
                    break;
                case IncidentEvent.KindOneofCase.Verified when !e.Verified.Passed:
                    foreach (var assignment in after.Assignments.Where(a => !a.Archived && a.Status == AssignmentStatus.OnSite))
                    {
                        notices.Add(Department(after, assignment.DepartmentId, open: true, assignment.DispatchedAt, null));
                    }

                    break;
                case IncidentEvent.KindOneofCase.SlaWarned:
                    notices.Add(Board(after, chain, after.EscalationLevel, e.SlaWarned.Clock, e.SlaWarned.DepartmentId, breached: false, e));
                    break;
                case IncidentEvent.KindOneofCase.Escalated:
                    notices.Add(Board(after, chain, e.Escalated.ToLevel, e.Escalated.Clock, e.Escalated.DepartmentId, breached: e.Escalated.Cause != EscalationCause.Manual, e));
                    break;
            }
        }

        if (SlaEngine.IsTerminal(after.Status) && !wasTerminal)
        {
            foreach (var assignment in after.Assignments.Where(a => !a.Archived && a.Status is AssignmentStatus.Dispatched or AssignmentStatus.OnSite))
            {
                notices.Add(Department(after, assignment.DepartmentId, open: false, null, null));
            }
        }

        var finished = SlaEngine.IsTerminal(after.Status) && !wasTerminal;
        var answered = wasAlarmed && !SlaEngine.IsAlarmed(after);
        if (Posted(after) && (finished || answered))
        {
            for (var level = 0; level <= Math.Min(after.EscalationLevel, chain.Count - 1); level++)
            {
                var (board, key) = BoardOf(after, chain[level]);
                notices.Add(new ViewNotice { Board = ToBoard(board), Key = key, Clear = new BoardClear { IncidentId = after.Id } });
            }
        }

        return notices;
    }

    /// <summary>True when the incident may be on a board: it was escalated or a clock warned or breached.</summary>
    private static bool Posted(Incident incident) =>
        incident.EscalationLevel > 0 || incident.Clocks.Any(c => c.WarnedPermille.Count > 0 || c.BreachedAt is not null);

    private static ViewNotice Department(Incident incident, string department, bool open, Google.Protobuf.WellKnownTypes.Timestamp? dispatchedAt, Google.Protobuf.WellKnownTypes.Timestamp? dueAt) =>
        new()
        {
            Key = department,
            Assignment = new AssignmentNotice
            {
                IncidentId = incident.Id,
                Open = open,
                DispatchedAt = dispatchedAt,
                OnSiteDueAt = dueAt,
                CategoryCode = incident.CategoryCode,
                Exercise = incident.Exercise,
            },
        };

    private static ViewNotice Board(Incident incident, IReadOnlyList<EscalationLevel> chain, int level, SlaClockKind clock, string department, bool breached, IncidentEvent e)
    {
        var (board, key) = BoardOf(incident, chain[Math.Clamp(level, 0, chain.Count - 1)]);
        var running = IncidentFold.Running(incident, clock, department);
        return new ViewNotice
        {
            Board = ToBoard(board),
            Key = key,
            Post = new BoardEntry
            {
                IncidentId = incident.Id,
                Clock = clock,
                DepartmentId = department,
                Breached = breached,
                EscalationLevel = level,
                DueAt = running?.DueAt,
                PostedAt = e.At,
                Exercise = incident.Exercise,
                CategoryCode = incident.CategoryCode,
            },
        };
    }

    /// <summary>The board level of an escalation level.</summary>
    public static BoardLevel ToBoard(EscalationLevel level) => level switch
    {
        EscalationLevel.Grid => BoardLevel.Grid,
        EscalationLevel.Community => BoardLevel.Community,
        _ => BoardLevel.Street,
    };

    /// <summary>The board of a level for this incident: the level and the key of its grain. An incident outside every
    /// grid (or community) goes to its street's board, the one the SLA board reads for it.</summary>
    public static (EscalationLevel Level, string Key) BoardOf(Incident incident, EscalationLevel level) => level switch
    {
        EscalationLevel.Grid when incident.GridId.Length > 0 => (level, incident.GridId),
        EscalationLevel.Community when incident.CommunityId.Length > 0 => (level, incident.CommunityId),
        _ => (EscalationLevel.Street, incident.StreetId),
    };
}
