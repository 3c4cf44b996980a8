using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Intake;

/// <summary>
/// The intake of alerting systems (the gateway's CAP and video adapters): an alert goes the way of EventIntake.Submit
/// (<see cref="IncidentIntake"/>), an exercise the same way marked exercise — the feed declares it by the alert's status,
/// never by a field of the intake event, so EventIntake.Submit cannot —, a test nowhere; an update is counted on the
/// incident of the alert it references (<see cref="IIncidentGrain.MergeAlert"/>) and remembered
/// (<see cref="IAlertReferenceGrain"/>) so later messages naming it find that incident; a cancel retracts every alert of
/// the referenced incidents. Everything is checked before anything is written; retries answer the same incident.
/// </summary>
public sealed class AlertIntake(IncidentIntake intake, IGrainFactory grains, CityDirectory city, TimeProvider time)
{
    /// <summary>Submits an alert as <paramref name="actor"/>; null for a test (checked, stored nowhere).</summary>
    /// <exception cref="ValidationException">A field is invalid (named in the error), or an exercise names a real alert or
    /// the other way round.</exception>
    /// <exception cref="NotFoundException">A cancel names no known alert.</exception>
    /// <exception cref="IllegalTransitionException">A cancel names an incident that is finished.</exception>
    public async Task<SubmitAck?> SubmitAsync(Actor actor, AlertSubmission alert)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(alert);
        var cancel = alert.Kind == AlertKind.Cancel;
        if ((alert.Event.MessageType == MessageType.Cancel) != cancel || (alert.Kind != AlertKind.Alert && alert.References.Count == 0))
        {
            throw new ArgumentException("A cancel is a CANCEL event, an update and a cancel name what they reference.", nameof(alert));
        }

        // A cancel is checked, and retracts, once per reference.
        var requests = cancel ? alert.References.Select(reference => Request(actor, alert, reference)).ToList() : [Request(actor, alert, reference: null)];
        var model = city.Require();
        var now = time.GetUtcNow();
        foreach (var request in requests)
        {
            IntakeValidator.Validate(request, model, now);
        }

        if (alert.Status == AlertStatus.Test)
        {
            return null;
        }

        // A video alarm goes through its camera channel, which merges bursts and finds a cancelled alarm (one reference).
        if (alert.Kind == AlertKind.Alert || alert.Event.Video is not null)
        {
            return await intake.SubmitAsync(requests[0]);
        }

        return alert.Kind == AlertKind.Update ? await UpdateAsync(requests[0], alert.References) : await CancelAsync(requests);
    }

    private static ReportRequest Request(Actor actor, AlertSubmission alert, string? reference)
    {
        var e = alert.Event.Clone();
        if (reference is not null)
        {
            e.ReferencesEventId = reference;
        }

        return new ReportRequest { Actor = actor, Event = e, Exercise = alert.Status == AlertStatus.Exercise };
    }

    private async Task<SubmitAck> UpdateAsync(ReportRequest update, IReadOnlyList<string> references)
    {
        var e = update.Event;
        var entry = grains.GetGrain<IAlertReferenceGrain>(AlertReferenceGrain.Key(e.Source, e.SourceEventId));

        // A retry: the incident it merged into before (which answers EXISTING), or the incident it created.
        if (await entry.Get() is { Length: > 0 } merged)
        {
            return await grains.GetGrain<IIncidentGrain>(merged).MergeAlert(update);
        }

        if (await FindAsync(IncidentIds.For(e.Source, e.SourceEventId), update.Actor) is not null)
        {
            return await intake.SubmitAsync(update);
        }

        // The latest referenced alert that has an incident; none open: the update is an alert of its own.
        Incident? target = null;
        for (var i = references.Count - 1; i >= 0 && target is null; i--)
        {
            target = await FindAsync(await ResolveAsync(e.Source, references[i]), update.Actor);
        }

        if (target is null || IncidentFold.IsFinished(target))
        {
            return await intake.SubmitAsync(update);
        }

        RequireSameStatus(target, update.Exercise);
        var ack = await grains.GetGrain<IIncidentGrain>(target.Id).MergeAlert(update);
        if (ack.IncidentId.Length == 0)
        {
            // Finished since it was read.
            return await intake.SubmitAsync(update);
        }

        await entry.Set(ack.IncidentId);
        return ack;
    }

    private async Task<SubmitAck> CancelAsync(List<ReportRequest> cancels)
    {
        var first = cancels[0];
        var source = first.Event.Source;
        var incidents = new List<Incident>();
        foreach (var cancel in cancels)
        {
            var id = await ResolveAsync(source, cancel.Event.ReferencesEventId);
            if (incidents.All(i => i.Id != id) && await FindAsync(id, first.Actor) is { } incident)
            {
                incidents.Add(incident);
            }
        }

        if (incidents.Count == 0)
        {
            throw new NotFoundException("alert", $"{source}/{string.Join(' ', cancels.Select(c => c.Event.ReferencesEventId))}");
        }

        foreach (var incident in incidents)
        {
            RequireSameStatus(incident, first.Exercise);
        }

        SubmitAck? answer = null;
        foreach (var incident in incidents)
        {
            // An update supersedes what it references, so a cancel of any alert of the chain retracts them all.
            var ack = new SubmitAck { IncidentId = incident.Id, Outcome = IntakeOutcome.Retracted, AlertCount = incident.AlertCount, Status = incident.Status, Exercise = incident.Exercise };
            var grain = grains.GetGrain<IIncidentGrain>(incident.Id);
            foreach (var alert in incident.AlertEventIds.ToList())
            {
                var retract = first.Clone();
                retract.Event.ReferencesEventId = alert;
                ack = await grain.RetractAlert(retract);
            }

            answer ??= ack;
        }

        return answer!;
    }

    /// <summary>The incident an alert went to: the one recorded for a merged update, else the one its key names.</summary>
    private async Task<string> ResolveAsync(string source, string sourceEventId) =>
        await grains.GetGrain<IAlertReferenceGrain>(AlertReferenceGrain.Key(source, sourceEventId)).Get() is { Length: > 0 } merged
            ? merged
            : IncidentIds.For(source, sourceEventId);

    private async Task<Incident?> FindAsync(string incidentId, Actor actor)
    {
        try
        {
            return await grains.GetGrain<IIncidentGrain>(incidentId).Get(actor);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>An exercise updates and cancels exercises only, a real alert real ones only.</summary>
    private static void RequireSameStatus(Incident incident, bool exercise)
    {
        if (incident.Exercise != exercise)
        {
            throw new ValidationException("status", exercise
                ? $"an exercise cannot update or cancel a real alert (incident {incident.Id})"
                : $"a real alert cannot update or cancel an exercise (incident {incident.Id})");
        }
    }
}
