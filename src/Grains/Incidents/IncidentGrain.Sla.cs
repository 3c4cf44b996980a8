using CityBrain.Contracts;
using CityBrain.Grains.Sla;
using CityBrain.Storage;

namespace CityBrain.Grains.Incidents;

internal sealed partial class IncidentGrain
{
    /// <summary>When the durable deadline is armed for, as far as this activation knows (null: unknown or none,
    /// so the next due time is always written).</summary>
    private DateTimeOffset? _armedAt;

    /// <summary>
    /// Keeps the incident's one durable SLA deadline at or before the next warning, breach or escalation (staged,
    /// durable with the next journal append). By default it is moved only when that falls earlier than the armed
    /// time — a later one leaves it: it fires early, finds nothing due, and re-arms then — so most transitions
    /// (assign, arrive, handle, verify, close) write no timer row. A suspended incident's deadline is cancelled (it
    /// may stay suspended for days); a finished incident's stale deadline fires once and is retired.
    /// With <see cref="Hosting.CityBrainGrainsOptions.ArmSlaDeadlinesExactly"/> it always sits exactly at the next due time.
    /// </summary>
    private void ArmSla()
    {
        var due = SlaEngine.NextDue(State);
        if (due is null)
        {
            if (_armedAt is not null && (_exactDeadlines || !SlaEngine.IsTerminal(State.Status)))
            {
                journal.CancelDeadline(SlaDeadline);
                _armedAt = null;
            }

            return;
        }

        if (_armedAt is { } armed && (armed == due || (!_exactDeadlines && armed < due)))
        {
            return;
        }

        journal.SetDeadline(SlaDeadline, due.Value);
        _armedAt = due;
    }

    /// <summary>The SLA deadline fell due (at least once, possibly late after downtime): records whatever warnings,
    /// breaches and escalations are due now and re-arms. Idempotent: what was recorded is not recorded again.</summary>
    public async Task ReceiveDeadline(DeadlineTick tick)
    {
        using var turn = await BeginTurnAsync();
        if (tick.Name != SlaDeadline || State.Status == IncidentStatus.Unspecified)
        {
            return;
        }

        // The shard retires the fired deadline unless it is re-armed now.
        _armedAt = null;
        var now = time.GetUtcNow();
        var events = SlaEngine.Evaluate(State, now);
        await CommitAsync(events);
    }
}
