using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Evaluation;

/// <summary>
/// The assessment figures (pure), from incidents as folded from their journals. An incident counts in the period
/// of its report; drill incidents, retracted alerts and duplicates never count. A clock counts by its outcome
/// (<see cref="SlaEngine.OutcomeAt"/>): met, or breached (also while still running once it reached its target); one
/// still within its target, or ended by a side path (returned, withdrawn), is in neither part of the rate.
/// <list type="bullet">
/// <item>及时受理率 timely accept: first accept clock met / met or breached.</item>
/// <item>及时派遣率 timely assign: first assign clock met / met or breached.</item>
/// <item>按时到场率 on-time arrival: on-site clocks met / met or breached (per department assignment; a return is not an arrival).</item>
/// <item>按期结案率 on-time close: first resolve clock met / met or breached.</item>
/// <item>返工率 rework: incidents reworked (verification failed or reopened) / incidents closed at least once.</item>
/// <item>派遣准确率 dispatch accuracy: assignments not returned / assignments.</item>
/// <item>退单率 return rate: assignments returned 退单 / assignments.</item>
/// </list>
/// Rows per grid, community, grid worker (the grid's worker on duty at report time) and department (every incident
/// the department was dispatched to; its arrival, accuracy and return rates count its own assignments only), and per
/// dispatcher and command level (only the assignments they dispatched: dispatch accuracy and return rate).
/// </summary>
public static class EvaluationCalculator
{
    /// <summary>Computes the rows of the given scopes (all when <paramref name="scope"/> is unspecified) and a total.</summary>
    public static EvaluationReport Compute(IEnumerable<Incident> incidents, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, EvaluationScope scope)
    {
        var rows = new Dictionary<Share, Tally>();
        var total = new Tally();
        foreach (var incident in incidents)
        {
            var reported = Times.At(incident.ReportedAt);
            if (incident.Exercise || reported < from || reported >= to
                || incident.Status is IncidentStatus.Retracted or IncidentStatus.Duplicate or IncidentStatus.Unspecified)
            {
                continue;
            }

            total.Add(incident, new Share(EvaluationScope.Unspecified, "total"), now);

            // A set: an incident counts once in a row, however many of the row's assignments it has.
            var shares = new HashSet<Share>
            {
                new(EvaluationScope.Grid, incident.GridId),
                new(EvaluationScope.Community, incident.CommunityId),
                new(EvaluationScope.Worker, incident.GridWorkerId),
            };
            foreach (var assignment in incident.Assignments.Items())
            {
                shares.Add(new Share(EvaluationScope.Department, assignment.DepartmentId));
                shares.Add(new Share(EvaluationScope.Dispatcher, assignment.DispatchedBy));
                shares.Add(new Share(EvaluationScope.Level, assignment.DispatchLevel));
            }

            foreach (var share in shares)
            {
                Add(rows, scope, share, incident, now);
            }
        }

        var report = new EvaluationReport { From = Times.Stamp(from), To = Times.Stamp(to), ComputedAt = Times.Stamp(now), Total = total.Row(EvaluationScope.Unspecified, "total") };
        report.Rows.Add(rows.OrderBy(r => r.Key.Scope).ThenBy(r => r.Key.Id, StringComparer.Ordinal).Select(r => r.Value.Row(r.Key.Scope, r.Key.Id)));
        return report;
    }

    private static void Add(Dictionary<Share, Tally> rows, EvaluationScope wanted, Share share, Incident incident, DateTimeOffset now)
    {
        if (share.Id.Length == 0 || (wanted != EvaluationScope.Unspecified && wanted != share.Scope))
        {
            return;
        }

        if (!rows.TryGetValue(share, out var tally))
        {
            rows[share] = tally = new Tally();
        }

        tally.Add(incident, share, now);
    }

    /// <summary>A row's part of an incident: which of its assignments (and their on-site clocks) the row counts, and
    /// whether it counts the incident-wide clocks too.</summary>
    private readonly record struct Share(EvaluationScope Scope, string Id)
    {
        /// <summary>Dispatcher and level rows are about their dispatches alone.</summary>
        public bool CountsIncidentClocks => Scope is not (EvaluationScope.Dispatcher or EvaluationScope.Level);

        public bool Owns(Assignment assignment) => Scope switch
        {
            EvaluationScope.Department => assignment.DepartmentId == Id,
            EvaluationScope.Dispatcher => assignment.DispatchedBy == Id,
            EvaluationScope.Level => assignment.DispatchLevel == Id,
            _ => true,
        };

        /// <summary>Arrival belongs to the department: a dispatcher's or level's row does not count it.</summary>
        public bool OwnsArrival(SlaClock clock) => Scope switch
        {
            EvaluationScope.Department => clock.DepartmentId == Id,
            EvaluationScope.Dispatcher or EvaluationScope.Level => false,
            _ => true,
        };
    }

    private enum Figure
    {
        Accept,
        Assign,
        Arrival,
        Close,
        Rework,
        DispatchAccuracy, // its complement is the return rate 退单率
    }

    private sealed class Tally
    {
        private static readonly int FigureCount = Enum.GetValues<Figure>().Length;
        private readonly int[] _met = new int[FigureCount];
        private readonly int[] _decided = new int[FigureCount];
        private int _incidents;

        public void Add(Incident incident, Share share, DateTimeOffset now)
        {
            _incidents++;
            foreach (var clock in incident.Clocks.Items())
            {
                if (clock.Kind == SlaClockKind.OnSite && share.OwnsArrival(clock))
                {
                    Count(Figure.Arrival, clock, now);
                }
            }

            foreach (var assignment in incident.Assignments.Items())
            {
                if (share.Owns(assignment))
                {
                    Count(Figure.DispatchAccuracy, met: assignment.Status != AssignmentStatus.Returned);
                }
            }

            if (!share.CountsIncidentClocks)
            {
                return;
            }

            Count(Figure.Accept, First(incident, SlaClockKind.Accept), now);
            Count(Figure.Assign, First(incident, SlaClockKind.Assign), now);
            Count(Figure.Close, First(incident, SlaClockKind.Resolve), now);
            if (Times.IsSet(incident.ClosedAt) || incident.ReopenCount > 0)
            {
                Count(Figure.Rework, met: incident.ReworkCount + incident.ReopenCount > 0);
            }
        }

        private void Count(Figure figure, SlaClock? clock, DateTimeOffset now)
        {
            if (clock is null || clock.TargetMs <= 0)
            {
                return;
            }

            switch (SlaEngine.OutcomeAt(clock, now))
            {
                case SlaOutcome.Met:
                    Count(figure, met: true);
                    break;
                case SlaOutcome.Breached:
                    Count(figure, met: false);
                    break;
            }
        }

        private void Count(Figure figure, bool met)
        {
            _decided[(int)figure]++;
            _met[(int)figure] += met ? 1 : 0;
        }

        private static SlaClock? First(Incident incident, SlaClockKind kind) => incident.Clocks.FirstOrDefault(c => c.Kind == kind);

        public EvaluationRow Row(EvaluationScope scope, string id) => new()
        {
            Scope = scope,
            Id = id,
            Incidents = _incidents,
            TimelyAccept = Rate(Figure.Accept),
            TimelyAssign = Rate(Figure.Assign),
            OnTimeArrival = Rate(Figure.Arrival),
            OnTimeClose = Rate(Figure.Close),
            Rework = Rate(Figure.Rework),
            DispatchAccuracy = Rate(Figure.DispatchAccuracy),
            Returned = Rate(_decided[(int)Figure.DispatchAccuracy] - _met[(int)Figure.DispatchAccuracy], _decided[(int)Figure.DispatchAccuracy]),
        };

        private Rate Rate(Figure figure) => Rate(_met[(int)figure], _decided[(int)figure]);

        private static Rate Rate(int met, int decided) =>
            new() { Numerator = met, Denominator = decided, Rate_ = decided == 0 ? 0 : Math.Round((double)met / decided, 4) };
    }
}
