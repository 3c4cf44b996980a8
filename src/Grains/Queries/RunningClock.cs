using CityBrain.Contracts;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Queries;

/// <summary>
/// The running SLA clock of an incident as a dispatcher reads it (list rows, the console's board): of the clocks not
/// stopped, the one with the least time left. A pure function of the incident and the time of the read.
/// </summary>
public static class RunningClock
{
    /// <summary>Fills the SLA fields of <paramref name="summary"/> from <paramref name="incident"/> as of <paramref name="now"/>.</summary>
    public static void Describe(IncidentSummary summary, Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(incident);
        if (SlaEngine.IsTerminal(incident.Status))
        {
            return;
        }

        SlaClock? chosen = null;
        var least = long.MaxValue;
        foreach (var clock in incident.Clocks)
        {
            if (clock.State is not (SlaClockState.Running or SlaClockState.Paused) || clock.TargetMs <= 0)
            {
                continue;
            }

            var remaining = clock.TargetMs - SlaEngine.ElapsedMs(clock, now);
            if (chosen is null || remaining < least)
            {
                (chosen, least) = (clock, remaining);
            }
        }

        if (chosen is null)
        {
            return;
        }

        // A paused clock's elapsed time stands still, so "due" is as if it resumed now.
        var paused = chosen.State == SlaClockState.Paused;
        var start = now.AddMilliseconds(-SlaEngine.ElapsedMs(chosen, now));
        var firstWarning = incident.Policy?.WarningPermille.Count > 0 ? incident.Policy.WarningPermille.Min() : 1000;
        summary.SlaClock = chosen.Kind;
        summary.SlaDepartmentId = chosen.DepartmentId;
        summary.SlaPaused = paused;
        summary.SlaRemainingMs = least;
        summary.SlaDueAt = Times.Stamp(start.AddMilliseconds(chosen.TargetMs));
        summary.SlaWarningAt = Times.Stamp(start.AddMilliseconds(chosen.TargetMs * firstWarning / 1000));
    }
}
