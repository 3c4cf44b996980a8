using System.Diagnostics;
using System.Diagnostics.Metrics;
using CityBrain.Contracts;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Telemetry;

/// <summary>
/// The city's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (DEVELOPERS.md, "Metrics", lists
/// them with units and tags). Everything here is recorded after the journal commit that makes it true, so a counter never
/// counts what a crash could take back. Recording costs a tag list on the stack; with no listener it costs nothing more.
/// </summary>
public sealed class CityMetrics
{
    /// <summary>The meter's name, for exporters (<c>AddMeter</c>).</summary>
    public const string MeterName = "CityBrain";

    // Seconds: from a few milliseconds (an intake ack) to a day (a resolution), roughly three buckets per decade.
    private static readonly double[] AckBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] ClockBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 14400, 43200, 86400];

    private readonly Counter<long> _received;
    private readonly Histogram<double> _ack;
    private readonly Counter<long> _warnings;
    private readonly Counter<long> _breaches;
    private readonly Counter<long> _escalations;
    private readonly Histogram<double> _timeToAccept;
    private readonly Histogram<double> _timeToAssign;
    private readonly Histogram<double> _timeToArrive;
    private readonly Counter<long> _commitErrors;

    /// <summary>Creates the instruments on a meter of <paramref name="meters"/> (disposed with it); the silo count reads
    /// <paramref name="membership"/>'s current snapshot (in memory) when a reader collects, the open incidents
    /// <paramref name="openIncidents"/>' counts.</summary>
    public CityMetrics(IMeterFactory meters, IClusterMembershipService? membership = null, OpenIncidentGauge? openIncidents = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("citybrain.incidents.received", "{incident}", "Incidents created from intake events (committed).");
        _ack = meter.CreateHistogram("citybrain.intake.ack.duration", "s", "From an intake call to its durable acknowledgement.", advice: Buckets(AckBuckets));
        _warnings = meter.CreateCounter<long>("citybrain.sla.warnings", "{warning}", "SLA warnings recorded (a clock reached a warning threshold).");
        _breaches = meter.CreateCounter<long>("citybrain.sla.breaches", "{breach}", "SLA breaches recorded (a clock passed its target).");
        _escalations = meter.CreateCounter<long>("citybrain.escalations", "{escalation}", "Escalations recorded (after a breach, while unanswered, or by hand).");
        _timeToAccept = meter.CreateHistogram("citybrain.incident.accept.duration", "s", "From report to acceptance (受理).", advice: Buckets(ClockBuckets));
        _timeToAssign = meter.CreateHistogram("citybrain.incident.assign.duration", "s", "From acceptance to the first dispatch (派遣).", advice: Buckets(ClockBuckets));
        _timeToArrive = meter.CreateHistogram("citybrain.incident.arrive.duration", "s", "From a department's dispatch to its arrival on site (到场).", advice: Buckets(ClockBuckets));
        _commitErrors = meter.CreateCounter<long>("citybrain.journal.commit.errors", "{error}", "Incident journal commits that failed (nothing was recorded; the caller was told).");
        openIncidents?.CreateOn(meter);
        if (membership is not null)
        {
            meter.CreateObservableGauge("citybrain.cluster.silos", () => ActiveSilos(membership), "{silo}", "Active silos in the cluster, as this silo sees it.");
        }
    }

    /// <summary>An intake call was acknowledged, <paramref name="elapsed"/> after it began.</summary>
    public void IntakeAcknowledged(SubmitAck ack, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (_ack.Enabled)
        {
            _ack.Record(elapsed.TotalSeconds, new TagList { { "outcome", Name(ack.Outcome) }, { "drill", Drill(ack.Exercise) } });
        }
    }

    /// <summary>An incident journal commit failed with <paramref name="error"/>.</summary>
    public void CommitFailed(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _commitErrors.Add(1, new KeyValuePair<string, object?>("error", error.GetType().Name));
    }

    /// <summary>Records what the committed events of <paramref name="incident"/> mean (called after the commit).</summary>
    public void Committed(Incident incident, IReadOnlyList<IncidentEvent> events)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            switch (e.KindCase)
            {
                case IncidentEvent.KindOneofCase.Reported:
                    _received.Add(1, new TagList { { "channel", incident.Source }, { "category", incident.CategoryCode }, { "drill", Drill(incident.Exercise) } });
                    break;
                case IncidentEvent.KindOneofCase.SlaWarned:
                    _warnings.Add(1, Where(incident, e.SlaWarned.Clock, e.SlaWarned.DepartmentId));
                    break;
                case IncidentEvent.KindOneofCase.SlaBreached:
                    _breaches.Add(1, Where(incident, e.SlaBreached.Clock, e.SlaBreached.DepartmentId));
                    break;
                case IncidentEvent.KindOneofCase.Escalated:
                    var escalation = Where(incident, e.Escalated.Clock, e.Escalated.DepartmentId);
                    escalation.Add("cause", Name(e.Escalated.Cause));
                    _escalations.Add(1, escalation);
                    break;
                case IncidentEvent.KindOneofCase.Accepted when incident.ReportedAt is { } reported:
                    Record(_timeToAccept, reported, e.At, incident);
                    break;
                case IncidentEvent.KindOneofCase.Assigned when incident.AcceptedAt is { } accepted && IsFirstDispatch(incident, e.At):
                    Record(_timeToAssign, accepted, e.At, incident);
                    break;
                case IncidentEvent.KindOneofCase.ArrivalConfirmed when Arrived(incident, e) is { DispatchedAt: { } dispatched }:
                    Record(_timeToArrive, dispatched, e.At, incident);
                    break;
            }
        }
    }

    private static void Record(Histogram<double> histogram, Google.Protobuf.WellKnownTypes.Timestamp from, Google.Protobuf.WellKnownTypes.Timestamp to, Incident incident)
    {
        if (histogram.Enabled && to is not null)
        {
            var seconds = (to.ToDateTimeOffset() - from.ToDateTimeOffset()).TotalSeconds;
            histogram.Record(Math.Max(0, seconds), new TagList { { "category", incident.CategoryCode }, { "drill", Drill(incident.Exercise) } });
        }
    }

    /// <summary>True when the dispatch at <paramref name="at"/> created every assignment the incident has: its first.</summary>
    private static bool IsFirstDispatch(Incident incident, Google.Protobuf.WellKnownTypes.Timestamp at)
    {
        foreach (var assignment in incident.Assignments)
        {
            if (!Equals(assignment.DispatchedAt, at))
            {
                return false;
            }
        }

        return incident.Assignments.Count > 0;
    }

    private static Assignment? Arrived(Incident incident, IncidentEvent e)
    {
        foreach (var assignment in incident.Assignments)
        {
            if (assignment.DepartmentId == e.ArrivalConfirmed.DepartmentId && Equals(assignment.ArrivedAt, e.At))
            {
                return assignment;
            }
        }

        return null;
    }

    private static TagList Where(Incident incident, SlaClockKind clock, string department) => new()
    {
        { "clock", Name(clock) },
        { "grid", incident.GridId },
        { "community", incident.CommunityId },
        { "department", department.Length > 0 ? department : "none" },
        { "drill", Drill(incident.Exercise) },
    };

    private static int ActiveSilos(IClusterMembershipService membership)
    {
        var active = 0;
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            active += member.Status == SiloStatus.Active ? 1 : 0;
        }

        return active;
    }

    private static string Drill(bool exercise) => exercise ? "true" : "false";

    /// <summary>The clock's name in metrics, its SLA definition's: accept (受理), assign (派遣), on_site (到场), resolve (结案);
    /// none for an escalation without a clock.</summary>
    internal static string Name(SlaClockKind clock) => SlaDefinitions.All.FirstOrDefault(d => d.Kind == clock)?.Name ?? "none";

    private static string Name(EscalationCause cause) => cause switch
    {
        EscalationCause.Breach => "breach",
        EscalationCause.Unanswered => "unanswered",
        EscalationCause.Manual => "manual",
        _ => "unspecified",
    };

    private static string Name(IntakeOutcome outcome) => outcome switch
    {
        IntakeOutcome.Created => "created",
        IntakeOutcome.Existing => "existing",
        IntakeOutcome.Merged => "merged",
        IntakeOutcome.Retracted => "retracted",
        _ => "none",
    };

    private static InstrumentAdvice<double> Buckets(double[] boundaries) => new() { HistogramBucketBoundaries = boundaries };
}
