using CityBrain.Contracts;

namespace CityBrain.Grains.Sla;

/// <summary>The four SLA clocks of the center (DESIGN.md "SLA engine").</summary>
public static class SlaDefinitions
{
    private static readonly IReadOnlyList<string> IncidentWide = [string.Empty];
    private static readonly IReadOnlyList<string> NoClock = [];

    /// <summary>
    /// Accept 受理: from report to the center's decision on it — accepted, rejected or marked duplicate. Default 10 min.
    /// All three answer it: rejecting an invalid report or merging a repeated one in time is a timely 受理 decision
    /// (src/Grains/README.md, "SLA outcomes").
    /// </summary>
    public static SlaDefinition Accept { get; } = new(
        SlaClockKind.Accept,
        "accept",
        "reported -> accepted, rejected or marked duplicate",
        policy => policy.AcceptMs,
        (_, e) => e.KindCase == IncidentEvent.KindOneofCase.Reported ? IncidentWide : NoClock,
        (_, e, _) => e.KindCase is IncidentEvent.KindOneofCase.Accepted or IncidentEvent.KindOneofCase.Rejected or IncidentEvent.KindOneofCase.MarkedDuplicate
            ? SlaOutcome.Met
            : SlaOutcome.Unspecified,
        PausesWhileSuspended: true);

    /// <summary>Assign 派遣: from acceptance (or a reopen, or the last department returning it) to dispatch. Default 5 min.
    /// Marking the accepted incident a duplicate withdraws it (the incident is finished).</summary>
    public static SlaDefinition Assign { get; } = new(
        SlaClockKind.Assign,
        "assign",
        "accepted (or reopened, or every assignment returned) -> dispatched",
        policy => policy.AssignMs,
        (incident, e) => e.KindCase switch
        {
            IncidentEvent.KindOneofCase.Accepted or IncidentEvent.KindOneofCase.Reopened => IncidentWide,
            IncidentEvent.KindOneofCase.AssignmentReturned when incident.Status == IncidentStatus.Accepted => IncidentWide,
            _ => NoClock,
        },
        (_, e, _) => e.KindCase == IncidentEvent.KindOneofCase.Assigned ? SlaOutcome.Met : SlaOutcome.Unspecified,
        PausesWhileSuspended: true);

    /// <summary>
    /// On site 到场: from a department's dispatch to its arrival (one clock per assignment). Default 20 min. The department
    /// returning the assignment 退单 stops it too, as returned: a return is not an arrival (it counts against the
    /// dispatcher's 派遣准确率 and the department's 退单率, never as met).
    /// </summary>
    public static SlaDefinition OnSite { get; } = new(
        SlaClockKind.OnSite,
        "on_site",
        "a department dispatched -> that department on site (its return stops it as returned)",
        policy => policy.OnSiteMs,
        (_, e) => e.KindCase == IncidentEvent.KindOneofCase.Assigned ? e.Assigned.Targets.Select(t => t.DepartmentId).ToList() : NoClock,
        (_, e, clock) => e.KindCase switch
        {
            IncidentEvent.KindOneofCase.ArrivalConfirmed when e.ArrivalConfirmed.DepartmentId == clock.DepartmentId => SlaOutcome.Met,
            IncidentEvent.KindOneofCase.AssignmentReturned when e.AssignmentReturned.DepartmentId == clock.DepartmentId => SlaOutcome.Returned,
            _ => SlaOutcome.Unspecified,
        },
        PausesWhileSuspended: true);

    /// <summary>Resolve 结案: from acceptance (or a reopen) to closing; target by category (general 48 h).</summary>
    public static SlaDefinition Resolve { get; } = new(
        SlaClockKind.Resolve,
        "resolve",
        "accepted (or reopened) -> closed",
        policy => policy.ResolveMs,
        (_, e) => e.KindCase is IncidentEvent.KindOneofCase.Accepted or IncidentEvent.KindOneofCase.Reopened ? IncidentWide : NoClock,
        (_, e, _) => e.KindCase == IncidentEvent.KindOneofCase.Closed ? SlaOutcome.Met : SlaOutcome.Unspecified,
        PausesWhileSuspended: true);

    /// <summary>Every clock, in evaluation order.</summary>
    public static IReadOnlyList<SlaDefinition> All { get; } = [Accept, Assign, OnSite, Resolve];
}
