using CityBrain.Contracts;

namespace CityBrain.Grains.Sla;

/// <summary>
/// The definition of one SLA clock, apart from any incident's running timer: which journal events start and stop
/// it, whether it pauses while the incident is suspended, and its target (taken from the incident's
/// <see cref="SlaPolicy"/>). Warnings (at the policy's thresholds) and breach actions (journal the breach, escalate
/// one level, escalate again every re-escalation interval while unanswered) are the same for every clock and live
/// in <see cref="SlaEngine"/>. Every running clock stops when the incident is finished (closed, rejected,
/// duplicate, retracted).
/// </summary>
/// <param name="Kind">The clock.</param>
/// <param name="Name">Its short name (accept, assign, on_site, resolve).</param>
/// <param name="Description">What it measures, for people.</param>
/// <param name="Target">Its target from the incident's policy, in ms (0 = the clock does not run).</param>
/// <param name="Starts">After an event is applied: the department ids of the clocks to start ("" for an incident-wide clock).</param>
/// <param name="Stops">After an event is applied: how it stops a running or paused clock of this kind —
/// <see cref="SlaOutcome.Met"/> for the clock's own answer (the engine records it breached when past the target), a side
/// path's outcome (<see cref="SlaOutcome.Returned"/>), or <see cref="SlaOutcome.Unspecified"/> when it does not stop it.
/// When the event finishes the incident, a clock it does not answer is withdrawn.</param>
/// <param name="PausesWhileSuspended">Whether the clock pauses while the incident is suspended 挂起.</param>
public sealed record SlaDefinition(
    SlaClockKind Kind,
    string Name,
    string Description,
    Func<SlaPolicy, long> Target,
    Func<Incident, IncidentEvent, IReadOnlyList<string>> Starts,
    Func<Incident, IncidentEvent, SlaClock, SlaOutcome> Stops,
    bool PausesWhileSuspended);
