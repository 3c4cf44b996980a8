using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.Sla;

/// <summary>
/// The SLA engine as pure functions over an incident: starting, stopping, pausing and resuming its clocks as
/// journal events are applied (<see cref="ApplyClocks"/>), deciding which warnings, breaches and escalations
/// are due at a given time (<see cref="Evaluate"/>), and when the next one falls due (<see cref="NextDue"/>) —
/// the incident grain keeps exactly one durable deadline at that time. Evaluating twice at the same time
/// yields nothing the second time, so a deadline that fires twice changes nothing.
/// </summary>
internal static class SlaEngine
{
    /// <summary>The actor recorded for the engine's own journal entries.</summary>
    public static Actor System { get; } = new() { UserId = "sla-engine", Role = Role.System };

    public static bool IsTerminal(IncidentStatus status) =>
        status is IncidentStatus.Closed or IncidentStatus.Rejected or IncidentStatus.Duplicate or IncidentStatus.Retracted;

    /// <summary>Updates the clocks of <paramref name="after"/> for an event just applied (called by the fold).</summary>
    public static void ApplyClocks(bool wasTerminal, Incident after, IncidentEvent e)
    {
        var at = Times.At(e.At);
        if (IsTerminal(after.Status) && !wasTerminal)
        {
            // The event answers the clocks it stops by definition (a rejection the accept clock, a close the resolve
            // clock); every other clock still running is withdrawn.
            foreach (var clock in after.Clocks.Items())
            {
                var how = Definition(clock.Kind).Stops(after, e, clock);
                Stop(clock, at, how == SlaOutcome.Unspecified ? SlaOutcome.Withdrawn : how);
            }

            return;
        }

        if (e.KindCase == IncidentEvent.KindOneofCase.Suspended)
        {
            foreach (var clock in after.Clocks.Items())
            {
                if (clock.State == SlaClockState.Running && Definition(clock.Kind).PausesWhileSuspended)
                {
                    clock.State = SlaClockState.Paused;
                    clock.PausedAt = Times.Stamp(at);
                }
            }
        }
        else if (e.KindCase == IncidentEvent.KindOneofCase.Resumed)
        {
            foreach (var clock in after.Clocks.Items())
            {
                if (clock.State == SlaClockState.Paused)
                {
                    clock.PausedMs += Math.Max(0, Times.Ms(at - Times.At(clock.PausedAt)));
                    clock.PausedAt = null;
                    clock.State = SlaClockState.Running;
                    clock.DueAt = Times.Stamp(BreachAt(clock));
                }
            }
        }

        // Index loops: this runs for every event, and an interface enumerator is an allocation each time.
        var definitions = SlaDefinitions.All;
        for (var d = 0; d < definitions.Count; d++)
        {
            var definition = definitions[d];
            foreach (var clock in after.Clocks.Items())
            {
                if (clock.Kind == definition.Kind && clock.State is SlaClockState.Running or SlaClockState.Paused
                    && definition.Stops(after, e, clock) is var how and not SlaOutcome.Unspecified)
                {
                    Stop(clock, at, how);
                }
            }

            var target = definition.Target(after.Policy ?? new SlaPolicy());
            if (target <= 0)
            {
                continue;
            }

            var departments = definition.Starts(after, e);
            for (var i = 0; i < departments.Count; i++)
            {
                var department = departments[i];
                var clock = new SlaClock
                {
                    Kind = definition.Kind,
                    DepartmentId = department,
                    State = SlaClockState.Running,
                    StartedAt = Times.Stamp(at),
                    TargetMs = target,
                };
                clock.DueAt = Times.Stamp(BreachAt(clock));
                after.Clocks.Add(clock);
            }
        }
    }

    /// <summary>Stops a clock: <paramref name="how"/> (met for its answer, or a side path's outcome) unless it ran past its
    /// target, which is a breach whatever stopped it — a late return or withdrawal does not undo a breach.</summary>
    private static void Stop(SlaClock clock, DateTimeOffset at, SlaOutcome how)
    {
        if (clock.State is not (SlaClockState.Running or SlaClockState.Paused))
        {
            return;
        }

        var end = clock.State == SlaClockState.Paused ? Times.At(clock.PausedAt) : at;
        clock.ElapsedMs = Math.Max(0, Times.Ms(end - Times.At(clock.StartedAt)) - clock.PausedMs);
        clock.Outcome = clock.ElapsedMs > clock.TargetMs ? SlaOutcome.Breached : how;
        clock.Met = clock.Outcome == SlaOutcome.Met;
        clock.State = SlaClockState.Stopped;
        clock.StoppedAt = Times.Stamp(at);
        clock.PausedAt = null;
    }

    public static SlaDefinition Definition(SlaClockKind kind) => kind switch
    {
        SlaClockKind.Accept => SlaDefinitions.Accept,
        SlaClockKind.Assign => SlaDefinitions.Assign,
        SlaClockKind.OnSite => SlaDefinitions.OnSite,
        SlaClockKind.Resolve => SlaDefinitions.Resolve,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown SLA clock."),
    };

    /// <summary>
    /// A clock's outcome as of <paramref name="now"/>, the one the evaluation and the drill report read: a stopped clock's
    /// recorded outcome; a running or paused one that has reached its target is breached (<see cref="Evaluate"/> records
    /// the breach then); otherwise unspecified (not decided yet).
    /// </summary>
    public static SlaOutcome OutcomeAt(SlaClock clock, DateTimeOffset now) =>
        clock.State == SlaClockState.Stopped ? clock.Outcome
        : ElapsedMs(clock, now) >= clock.TargetMs ? SlaOutcome.Breached
        : SlaOutcome.Unspecified;

    /// <summary>The on-site clock an assignment's dispatch started; null when none ran (its target is off).</summary>
    public static SlaClock? OnSiteClock(Incident incident, Assignment assignment) =>
        incident.Clocks.FirstOrDefault(c => c.Kind == SlaClockKind.OnSite && c.DepartmentId == assignment.DepartmentId && Equals(c.StartedAt, assignment.DispatchedAt));

    /// <summary>Running time of a clock at <paramref name="now"/>, pauses excluded.</summary>
    public static long ElapsedMs(SlaClock clock, DateTimeOffset now) => clock.State switch
    {
        SlaClockState.Stopped => clock.ElapsedMs,
        SlaClockState.Paused => Math.Max(0, Times.Ms(Times.At(clock.PausedAt) - Times.At(clock.StartedAt)) - clock.PausedMs),
        _ => Math.Max(0, Times.Ms(now - Times.At(clock.StartedAt)) - clock.PausedMs),
    };

    /// <summary>When a running clock reaches <paramref name="offsetMs"/> of running time.</summary>
    private static DateTimeOffset At(SlaClock clock, long offsetMs) =>
        Times.At(clock.StartedAt).AddMilliseconds(clock.PausedMs + offsetMs);

    private static DateTimeOffset BreachAt(SlaClock clock) => At(clock, clock.TargetMs);

    private static long Interval(Incident incident, SlaClock clock) =>
        incident.Policy is { ReescalateMs: > 0 } policy ? policy.ReescalateMs : Math.Max(clock.TargetMs, 1000);

    /// <summary>The highest escalation level the incident can reach (its chain's length less one).</summary>
    internal static int TopLevel(Incident incident) => Math.Max(0, (incident.Policy?.EscalationLevels ?? 3) - 1);

    /// <summary>The warnings, breaches and escalations due at <paramref name="now"/> and not yet recorded.</summary>
    public static List<IncidentEvent> Evaluate(Incident incident, DateTimeOffset now)
    {
        var events = new List<IncidentEvent>();
        if (IsTerminal(incident.Status))
        {
            return events;
        }

        var level = incident.EscalationLevel;
        var stamp = Times.Stamp(now);
        foreach (var clock in incident.Clocks.Items())
        {
            if (clock.State != SlaClockState.Running || clock.TargetMs <= 0)
            {
                continue;
            }

            var elapsed = ElapsedMs(clock, now);
            if (elapsed < clock.TargetMs)
            {
                foreach (var permille in incident.Policy?.WarningPermille ?? [])
                {
                    if (!clock.WarnedPermille.Contains(permille) && elapsed >= clock.TargetMs * permille / 1000)
                    {
                        events.Add(new IncidentEvent
                        {
                            At = stamp,
                            Actor = System,
                            Reason = $"{Definition(clock.Kind).Name} clock at {permille / 10} % of its target",
                            SlaWarned = new SlaWarned { Clock = clock.Kind, DepartmentId = clock.DepartmentId, Permille = permille },
                        });
                    }
                }

                continue;
            }

            var due = 1 + (int)Math.Min(int.MaxValue - 1, (elapsed - clock.TargetMs) / Interval(incident, clock));
            if (!Times.IsSet(clock.BreachedAt))
            {
                events.Add(new IncidentEvent
                {
                    At = stamp,
                    Actor = System,
                    Reason = $"{Definition(clock.Kind).Name} target of {clock.TargetMs / 1000} s passed",
                    SlaBreached = new SlaBreached { Clock = clock.Kind, DepartmentId = clock.DepartmentId },
                });
            }

            if (clock.Escalations < due)
            {
                var to = Math.Max(level, Math.Min(TopLevel(incident), level + 1));
                events.Add(new IncidentEvent
                {
                    At = stamp,
                    Actor = System,
                    Reason = clock.Escalations == 0 ? "SLA breach" : "SLA breach still unanswered",
                    Escalated = new Escalated
                    {
                        FromLevel = level,
                        ToLevel = to,
                        Cause = clock.Escalations == 0 ? EscalationCause.Breach : EscalationCause.Unanswered,
                        Clock = clock.Kind,
                        DepartmentId = clock.DepartmentId,
                        ClockEscalations = due,
                    },
                });
                level = to;
            }
        }

        return events;
    }

    /// <summary>When the next warning, breach or escalation falls due; null when no clock is running.</summary>
    public static DateTimeOffset? NextDue(Incident incident)
    {
        if (IsTerminal(incident.Status))
        {
            return null;
        }

        DateTimeOffset? next = null;
        foreach (var clock in incident.Clocks.Items())
        {
            if (clock.State != SlaClockState.Running || clock.TargetMs <= 0)
            {
                continue;
            }

            DateTimeOffset due;
            if (!Times.IsSet(clock.BreachedAt) || clock.Escalations == 0)
            {
                due = BreachAt(clock);
                if (!Times.IsSet(clock.BreachedAt))
                {
                    foreach (var permille in incident.Policy?.WarningPermille ?? [])
                    {
                        if (!clock.WarnedPermille.Contains(permille))
                        {
                            var warnAt = At(clock, clock.TargetMs * permille / 1000);
                            due = warnAt < due ? warnAt : due;
                        }
                    }
                }
            }
            else
            {
                due = At(clock, clock.TargetMs + (long)clock.Escalations * Interval(incident, clock));
            }

            next = next is null || due < next ? due : next;
        }

        return next;
    }

    /// <summary>True when a running clock has a warning or breach recorded (the incident belongs on a board).</summary>
    public static bool IsAlarmed(Incident incident) =>
        !IsTerminal(incident.Status)
        && incident.Clocks.Any(c => c.State is SlaClockState.Running or SlaClockState.Paused && (c.WarnedPermille.Count > 0 || Times.IsSet(c.BreachedAt)));
}
