using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Drills;

/// <summary>Builds a drill report from its incidents (pure): one row per incident and department with the accept,
/// assign and arrive times against the incident's SLA policy. Arrival is the department's on-site clock outcome, the one
/// the evaluation's 按时到场率 reads (<see cref="SlaEngine.OutcomeAt"/>): a returned assignment 退单 is neither on time
/// nor late, unless its clock had already run past the target.</summary>
public static class DrillReportBuilder
{
    /// <summary>The report, as of <paramref name="now"/> (an answer still missing past its target counts as late).</summary>
    public static DrillReport Build(IReadOnlyList<(string EventId, Incident Incident)> incidents, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var report = new DrillReport();
        foreach (var (eventId, incident) in incidents)
        {
            var policy = incident.Policy ?? new SlaPolicy();
            var reported = Times.At(incident.ReportedAt);
            var accepted = Times.IsSet(incident.AcceptedAt) ? Times.At(incident.AcceptedAt) : (DateTimeOffset?)null;
            var assignments = incident.Assignments.Where(a => !a.Archived).ToList();
            if (assignments.Count == 0)
            {
                assignments.Add(new Assignment());
            }

            foreach (var assignment in assignments)
            {
                var dispatched = Times.IsSet(assignment.DispatchedAt) ? Times.At(assignment.DispatchedAt) : (DateTimeOffset?)null;
                var arrived = Times.IsSet(assignment.ArrivedAt) ? Times.At(assignment.ArrivedAt) : (DateTimeOffset?)null;
                var arrival = Arrival(incident, assignment, now);
                var row = new DrillDepartmentResult
                {
                    IncidentId = incident.Id,
                    ScenarioEventId = eventId,
                    DepartmentId = assignment.DepartmentId,
                    AcceptMs = Between(reported, accepted),
                    AssignMs = accepted is null ? -1 : Between(accepted.Value, dispatched),
                    ArriveMs = dispatched is null ? -1 : Between(dispatched.Value, arrived),
                    AcceptTargetMs = policy.AcceptMs,
                    AssignTargetMs = policy.AssignMs,
                    ArriveTargetMs = policy.OnSiteMs,
                };
                row.AcceptMet = Met(row.AcceptMs, row.AcceptTargetMs);
                row.AssignMet = Met(row.AssignMs, row.AssignTargetMs);
                row.ArriveOutcome = arrival;
                row.ArriveMet = arrival == SlaOutcome.Met;
                report.Results.Add(row);
                if (row.AcceptMet && row.AssignMet && row.ArriveMet)
                {
                    report.DepartmentsOnTime++;
                }
                else if (Late(row.AcceptMs, row.AcceptTargetMs, reported, now)
                    || (accepted is { } a && Late(row.AssignMs, row.AssignTargetMs, a, now))
                    || arrival == SlaOutcome.Breached)
                {
                    report.DepartmentsLate++;
                }
                else if (arrival == SlaOutcome.Returned)
                {
                    report.DepartmentsReturned++;
                }
            }
        }

        return report;
    }

    /// <summary>The outcome of the assignment's on-site clock; without one (the city turned that clock off), arriving at
    /// all is on time and a return is still a return.</summary>
    private static SlaOutcome Arrival(Incident incident, Assignment assignment, DateTimeOffset now) =>
        SlaEngine.OnSiteClock(incident, assignment) is { } clock ? SlaEngine.OutcomeAt(clock, now)
        : Times.IsSet(assignment.ArrivedAt) ? SlaOutcome.Met
        : assignment.Status == AssignmentStatus.Returned ? SlaOutcome.Returned
        : SlaOutcome.Unspecified;

    private static long Between(DateTimeOffset from, DateTimeOffset? to) => to is { } t ? Math.Max(0, Times.Ms(t - from)) : -1;

    private static bool Met(long value, long target) => value >= 0 && (target <= 0 || value <= target);

    private static bool Late(long value, long target, DateTimeOffset from, DateTimeOffset now) =>
        target > 0 && (value > target || (value < 0 && Times.Ms(now - from) >= target));
}
