using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Evaluation;

/// <summary>
/// The assessment figures (pure), from incidents as folded from their journals. An incident counts in the period
/// of its report; drill incidents, retracted alerts and duplicates never count. A clock is decided when it stopped,
/// or when it is still running past its target (late); one still within its target is not counted yet.
/// <list type="bullet">
/// <item>及时受理率 timely accept: first accept clock met / accept clocks decided.</item>
/// <item>及时派遣率 timely assign: first assign clock met / assign clocks decided.</item>
/// <item>按时到场率 on-time arrival: on-site clocks met / decided (per department assignment).</item>
/// <item>按期结案率 on-time close: first resolve clock met / resolve clocks decided.</item>
/// <item>返工率 rework: incidents reworked (verification failed or reopened) / incidents closed at least once.</item>
/// </list>
/// Rows per grid, community, grid worker (the grid's worker on duty at report time) and department (every incident
/// the department was dispatched to; its arrival rate counts its own clocks only).
/// </summary>
public static class EvaluationCalculator
{
    /// <summary>Computes the rows of the given scopes (all when <paramref name="scope"/> is unspecified) and a total.</summary>
    public static EvaluationReport Compute(IEnumerable<Incident> incidents, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, EvaluationScope scope)
    {
        var rows = new Dictionary<(EvaluationScope, string), Tally>();
        var total = new Tally();
        foreach (var incident in incidents)
        {
            var reported = Times.At(incident.ReportedAt);
            if (incident.Exercise || reported < from || reported >= to
                || incident.Status is IncidentStatus.Retracted or IncidentStatus.Duplicate or IncidentStatus.Unspecified)
            {
                continue;
            }

            total.Add(incident, null, now);
            Add(rows, scope, EvaluationScope.Grid, incident.GridId, incident, null, now);
            Add(rows, scope, EvaluationScope.Community, incident.CommunityId, incident, null, now);
            Add(rows, scope, EvaluationScope.Worker, incident.GridWorkerId, incident, null, now);
            foreach (var department in incident.Assignments.Select(a => a.DepartmentId).Distinct())
            {
                Add(rows, scope, EvaluationScope.Department, department, incident, department, now);
            }
        }

        var report = new EvaluationReport { From = Times.Stamp(from), To = Times.Stamp(to), ComputedAt = Times.Stamp(now), Total = total.Row(EvaluationScope.Unspecified, "total") };
        report.Rows.Add(rows.OrderBy(r => r.Key.Item1).ThenBy(r => r.Key.Item2, StringComparer.Ordinal).Select(r => r.Value.Row(r.Key.Item1, r.Key.Item2)));
        return report;
    }

    private static void Add(Dictionary<(EvaluationScope, string), Tally> rows, EvaluationScope wanted, EvaluationScope scope, string id, Incident incident, string? department, DateTimeOffset now)
    {
        if (id.Length == 0 || (wanted != EvaluationScope.Unspecified && wanted != scope))
        {
            return;
        }

        if (!rows.TryGetValue((scope, id), out var tally))
        {
            rows[(scope, id)] = tally = new Tally();
        }

        tally.Add(incident, department, now);
    }

    private sealed class Tally
    {
        private readonly int[] _met = new int[5];
        private readonly int[] _decided = new int[5];
        private int _incidents;

        public void Add(Incident incident, string? department, DateTimeOffset now)
        {
            _incidents++;
            Count(0, First(incident, SlaClockKind.Accept), now);
            Count(1, First(incident, SlaClockKind.Assign), now);
            foreach (var clock in incident.Clocks.Where(c => c.Kind == SlaClockKind.OnSite && (department is null || c.DepartmentId == department)))
            {
                Count(2, clock, now);
            }

            Count(3, First(incident, SlaClockKind.Resolve), now);
            if (Times.IsSet(incident.ClosedAt) || incident.ReopenCount > 0)
            {
                _decided[4]++;
                if (incident.ReworkCount + incident.ReopenCount > 0)
                {
                    _met[4]++;
                }
            }
        }

        private void Count(int figure, SlaClock? clock, DateTimeOffset now)
        {
            if (clock is null || clock.TargetMs <= 0)
            {
                return;
            }

            if (clock.State == SlaClockState.Stopped)
            {
                _decided[figure]++;
                _met[figure] += clock.Met ? 1 : 0;
            }
            else if (SlaEngine.ElapsedMs(clock, now) > clock.TargetMs)
            {
                _decided[figure]++;
            }
        }

        private static SlaClock? First(Incident incident, SlaClockKind kind) => incident.Clocks.FirstOrDefault(c => c.Kind == kind);

        public EvaluationRow Row(EvaluationScope scope, string id) => new()
        {
            Scope = scope,
            Id = id,
            Incidents = _incidents,
            TimelyAccept = Rate(0),
            TimelyAssign = Rate(1),
            OnTimeArrival = Rate(2),
            OnTimeClose = Rate(3),
            Rework = Rate(4),
        };

        private Rate Rate(int figure) => new()
        {
            Numerator = _met[figure],
            Denominator = _decided[figure],
            Rate_ = _decided[figure] == 0 ? 0 : Math.Round((double)_met[figure] / _decided[figure], 4),
        };
    }
}
