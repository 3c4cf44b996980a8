using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Lifecycle;

/// <summary>
/// The incident's state as the fold of its journal: <see cref="Apply"/> returns the state after one event and
/// never changes its input. Deterministic (time comes from the event), so a replay rebuilds the same state; the
/// evaluation and the drill report read incidents through it.
/// </summary>
public static class IncidentFold
{
    /// <summary>
    /// The version of these rules, kept in every state they build (<see cref="Incident.FoldVersion"/>). Raise it whenever
    /// a change makes the same journal fold to a different state: a stored snapshot of another version is then ignored
    /// and the journal replayed, so no reader sees what older rules made of it. 1: SLA outcomes (a returned assignment's
    /// on-site clock is returned, not met) and who dispatched each assignment.
    /// </summary>
    public const int Version = 1;

    /// <summary>The state after <paramref name="e"/>; <paramref name="state"/> is left as it was.</summary>
    public static Incident Apply(Incident state, IncidentEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ApplyInPlace(e?.KindCase == IncidentEvent.KindOneofCase.Reported ? state : state.Clone(), e!);
    }

    /// <summary>
    /// Applies <paramref name="e"/> to <paramref name="state"/> itself (the grain owns its state and replays on
    /// activation, so a copy per event would only feed the garbage collector) and returns the new state. The event
    /// is not changed, and the state never shares a mutable part with it.
    /// </summary>
    internal static Incident ApplyInPlace(Incident state, IncidentEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        var wasTerminal = SlaEngine.IsTerminal(state.Status);
        var version = state.Version;
        var s = e.KindCase == IncidentEvent.KindOneofCase.Reported ? e.Reported.Seed.Clone() : state;
        var at = e.At;
        switch (e.KindCase)
        {
            case IncidentEvent.KindOneofCase.Reported:
                s.Status = IncidentStatus.Reported;
                s.FoldVersion = Version;
                s.ReportedAt = at;
                s.AlertCount = Math.Max(1, s.AlertCount);
                break;
            case IncidentEvent.KindOneofCase.Accepted:
                s.Status = IncidentStatus.Accepted;
                s.AcceptedAt = at;
                break;
            case IncidentEvent.KindOneofCase.Rejected:
                s.Status = IncidentStatus.Rejected;
                break;
            case IncidentEvent.KindOneofCase.Assigned:
                foreach (var target in e.Assigned.Targets.Items())
                {
                    s.Assignments.Add(new Assignment
                    {
                        DepartmentId = target.DepartmentId,
                        UnitId = target.UnitId,
                        Status = AssignmentStatus.Dispatched,
                        DispatchedAt = at,
                        Linkage = e.Assigned.Linkage,
                        DispatchedBy = e.Actor?.UserId ?? string.Empty,
                        DispatchLevel = DispatchLevel(s, e.Actor),
                    });
                }

                Recompute(s);
                break;
            case IncidentEvent.KindOneofCase.ArrivalConfirmed:
                if (Active(s, e.ArrivalConfirmed.DepartmentId, AssignmentStatus.Dispatched) is { } arriving)
                {
                    arriving.Status = AssignmentStatus.OnSite;
                    arriving.ArrivedAt = at;
                }

                Recompute(s);
                break;
            case IncidentEvent.KindOneofCase.Handled:
                if (Active(s, e.Handled.DepartmentId, AssignmentStatus.OnSite) is { } handling)
                {
                    handling.Status = AssignmentStatus.Handled;
                    handling.HandledAt = at;
                }

                Recompute(s);
                break;
            case IncidentEvent.KindOneofCase.Verified when e.Verified.Passed:
                s.Status = IncidentStatus.Verified;
                break;
            case IncidentEvent.KindOneofCase.Verified:
                s.ReworkCount++;
                foreach (var assignment in s.Assignments.Items())
                {
                    if (!assignment.Archived && assignment.Status == AssignmentStatus.Handled)
                    {
                        assignment.Status = AssignmentStatus.OnSite;
                        assignment.HandledAt = null;
                    }
                }

                Recompute(s);
                break;
            case IncidentEvent.KindOneofCase.Closed:
                s.Status = IncidentStatus.Closed;
                s.ClosedAt = at;
                break;
            case IncidentEvent.KindOneofCase.AssignmentReturned:
                if ((Active(s, e.AssignmentReturned.DepartmentId, AssignmentStatus.Dispatched) ?? Active(s, e.AssignmentReturned.DepartmentId, AssignmentStatus.OnSite)) is { } returning)
                {
                    returning.Status = AssignmentStatus.Returned;
                    returning.ReturnedAt = at;
                }

                Recompute(s);
                break;
            case IncidentEvent.KindOneofCase.Reopened:
                s.ReopenCount++;
                s.ClosedAt = null;
                foreach (var assignment in s.Assignments.Items())
                {
                    assignment.Archived = true;
                }

                s.Status = IncidentStatus.Accepted;
                break;
            case IncidentEvent.KindOneofCase.Suspended:
                s.StatusBeforeSuspend = s.Status;
                s.Status = IncidentStatus.Suspended;
                break;
            case IncidentEvent.KindOneofCase.Resumed:
                s.Status = s.StatusBeforeSuspend;
                s.StatusBeforeSuspend = IncidentStatus.Unspecified;
                break;
            case IncidentEvent.KindOneofCase.Escalated:
                s.EscalationLevel = e.Escalated.ToLevel;
                if (Running(s, e.Escalated.Clock, e.Escalated.DepartmentId) is { } escalating)
                {
                    escalating.Escalations = e.Escalated.ClockEscalations;
                }

                break;
            case IncidentEvent.KindOneofCase.MarkedDuplicate:
                s.Status = IncidentStatus.Duplicate;
                s.DuplicateOf = e.MarkedDuplicate.DuplicateOf;
                break;
            case IncidentEvent.KindOneofCase.DuplicateAbsorbed:
                s.Duplicates.Add(e.DuplicateAbsorbed.IncidentId);
                break;
            case IncidentEvent.KindOneofCase.AlertMerged:
                s.AlertCount++;
                s.AlertEventIds.Add(e.AlertMerged.SourceEventId);
                break;
            case IncidentEvent.KindOneofCase.AlertRetracted:
                s.AlertEventIds.Remove(e.AlertRetracted.SourceEventId);
                s.RetractedEventIds.Add(e.AlertRetracted.SourceEventId);
                if (e.AlertRetracted.IncidentRetracted)
                {
                    s.Status = IncidentStatus.Retracted;
                    s.ClosedAt = at;
                }

                break;
            case IncidentEvent.KindOneofCase.SlaWarned:
                Running(s, e.SlaWarned.Clock, e.SlaWarned.DepartmentId)?.WarnedPermille.Add(e.SlaWarned.Permille);
                break;
            case IncidentEvent.KindOneofCase.SlaBreached:
                if (Running(s, e.SlaBreached.Clock, e.SlaBreached.DepartmentId) is { } breached)
                {
                    breached.BreachedAt = at;
                }

                break;
            case IncidentEvent.KindOneofCase.NoteAdded:
                break; // a note changes nothing but the journal's length and the time of the last entry
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.KindCase, "Unknown incident event.");
        }

        SlaEngine.ApplyClocks(wasTerminal, s, e);
        s.Version = version + 1;
        s.UpdatedAt = at;
        return s;
    }

    /// <summary>Replays a journal from the start.</summary>
    public static Incident Replay(IEnumerable<IncidentEvent> events)
    {
        var state = new Incident();
        foreach (var e in events)
        {
            state = Apply(state, e);
        }

        return state;
    }

    /// <summary>The command level a dispatcher acts from on this incident: its jurisdiction entry covering the incident,
    /// broadest first (<c>street/id</c>, <c>community/id</c>, <c>grid/id</c>), or <c>city</c> for a caller over the whole
    /// city (an empty jurisdiction: whole-city dispatchers, admins).</summary>
    internal static string DispatchLevel(Incident s, Actor? actor)
    {
        var jurisdiction = actor?.Jurisdiction;
        return jurisdiction is null || jurisdiction.Count == 0 ? "city"
            : Covered(jurisdiction, s.StreetId) ? "street/" + s.StreetId
            : Covered(jurisdiction, s.CommunityId) ? "community/" + s.CommunityId
            : Covered(jurisdiction, s.GridId) ? "grid/" + s.GridId
            : "city";

        static bool Covered(IList<string> jurisdiction, string area) => area.Length > 0 && jurisdiction.Contains(area);
    }

    /// <summary>The department's current (non-archived) assignment in the given status.</summary>
    internal static Assignment? Active(Incident s, string departmentId, AssignmentStatus status)
    {
        for (var i = s.Assignments.Count - 1; i >= 0; i--)
        {
            var a = s.Assignments[i];
            if (!a.Archived && a.DepartmentId == departmentId && a.Status == status)
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>The running (or paused) clock of a kind and department.</summary>
    internal static SlaClock? Running(Incident s, SlaClockKind kind, string departmentId)
    {
        for (var i = s.Clocks.Count - 1; i >= 0; i--)
        {
            var c = s.Clocks[i];
            if (c.Kind == kind && c.DepartmentId == departmentId && c.State is SlaClockState.Running or SlaClockState.Paused)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The incident's status from its current assignments: all returned -> accepted (dispatch again);
    /// someone on site or done -> on site; all done -> handled; otherwise assigned.</summary>
    private static void Recompute(Incident s)
    {
        int dispatched = 0, onSite = 0, handled = 0;
        foreach (var a in s.Assignments.Items())
        {
            if (a.Archived)
            {
                continue;
            }

            switch (a.Status)
            {
                case AssignmentStatus.Dispatched:
                    dispatched++;
                    break;
                case AssignmentStatus.OnSite:
                    onSite++;
                    break;
                case AssignmentStatus.Handled:
                    handled++;
                    break;
            }
        }

        s.Status = (dispatched, onSite, handled) switch
        {
            (0, 0, 0) => IncidentStatus.Accepted,
            (0, 0, _) => IncidentStatus.Handled,
            (_, 0, 0) => IncidentStatus.Assigned,
            _ => IncidentStatus.OnSite,
        };
    }

    /// <summary>True when the incident no longer changes by itself (closed can still be reopened).</summary>
    public static bool IsFinished(Incident s) => SlaEngine.IsTerminal(s.Status);
}
