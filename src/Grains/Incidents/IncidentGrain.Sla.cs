using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.Sla;

namespace CityBrain.Grains.Incidents;

internal sealed partial class IncidentGrain
{
    private DateTimeOffset? _armedAt;
    private bool _armedKnown;

    /// <summary>Stages the incident's one SLA deadline at the next warning, breach or escalation (or cancels it);
    /// it becomes durable with the next journal append. Unchanged due times stage nothing.</summary>
    private void ArmSla()
    {
        var due = SlaEngine.NextDue(State);
        if (_armedKnown && due == _armedAt)
        {
            return;
        }

        if (due is { } at)
        {
            SetDeadline(SlaDeadline, at);
        }
        else
        {
            CancelDeadline(SlaDeadline);
        }

        _armedAt = due;
        _armedKnown = true;
    }

    /// <summary>The SLA deadline fell due (at least once, possibly late after downtime): records whatever warnings,
    /// breaches and escalations are due now and re-arms. Idempotent: what was recorded is not recorded again.</summary>
    public async Task ReceiveReminderAsync(string name, TimerTick tick)
    {
        if (name != SlaDeadline || State.Status == IncidentStatus.Unspecified)
        {
            return;
        }

        // The runtime retires the fired row unless it is re-armed now.
        _armedAt = null;
        _armedKnown = true;
        var now = TimeProvider.GetUtcNow();
        var events = SlaEngine.Evaluate(State, now);
        await CommitAsync(events);
    }
}
