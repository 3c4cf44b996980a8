using CityBrain.Contracts;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Incidents;

internal sealed partial class IncidentGrain
{
    public async Task<SubmitAck> Report(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = TimeProvider.GetUtcNow();
        if (State.Status != IncidentStatus.Unspecified)
        {
            // A retry (or a second feed naming the same event): the incident it created before.
            IntakeValidator.Validate(request, null, now);
            return Ack(IntakeOutcome.Existing);
        }

        var model = city.Require();
        IntakeValidator.Validate(request, model, now);
        if (request.Event.MessageType == MessageType.Cancel)
        {
            throw new ValidationException("message_type", "a cancel retracts an existing event");
        }

        var seed = IncidentRouter.Route(request, model, now);
        if (seed.Id != GrainKey)
        {
            throw new ValidationException("source_event_id", $"the event belongs to incident {seed.Id}, not {GrainKey}");
        }

        var e = IncidentRules.SystemEvent(now, request.Actor, request.Exercise ? "exercise event injected" : "event received");
        e.Reported = new Reported { Seed = seed };

        if (!seed.Exercise)
        {
            // The daily index entry is part of the same append: no write of its own, and never without the incident.
            Publish(IncidentIndex.Feed(model.LocalDay(now)), IncidentIndex.Entry);
        }

        await CommitAsync([e]);
        if (_deactivateAfterReport)
        {
            // Usually touched next minutes later (accept): meanwhile it would only cost memory and GC time.
            DeactivateOnIdle();
        }

        return Ack(IntakeOutcome.Created);
    }

    public async Task<SubmitAck> MergeAlert(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = TimeProvider.GetUtcNow();
        IntakeValidator.Validate(request, city.Current, now);
        var eventId = request.Event.SourceEventId;
        if (State.Status != IncidentStatus.Unspecified && (State.AlertEventIds.Contains(eventId) || State.RetractedEventIds.Contains(eventId) || State.SourceEventId == eventId))
        {
            return Ack(IntakeOutcome.Existing);
        }

        if (State.Status == IncidentStatus.Unspecified || IncidentFold.IsFinished(State) || State.Source != request.Event.Source)
        {
            return new SubmitAck();
        }

        var e = IncidentRules.SystemEvent(now, request.Actor, "repeated video alert merged");
        e.AlertMerged = new AlertMerged { SourceEventId = eventId };
        await CommitAsync([e]);
        return Ack(IntakeOutcome.Merged);
    }

    public async Task<SubmitAck> RetractAlert(ReportRequest cancel)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        var now = TimeProvider.GetUtcNow();
        IntakeValidator.Validate(cancel, city.Current, now);
        var reference = cancel.Event.ReferencesEventId;
        if (cancel.Event.MessageType != MessageType.Cancel)
        {
            throw new ValidationException("message_type", "must be MESSAGE_TYPE_CANCEL");
        }

        if (State.Status == IncidentStatus.Unspecified)
        {
            throw new NotFoundException("event", $"{cancel.Event.Source}/{reference}");
        }

        if (State.Source != cancel.Event.Source)
        {
            throw new ValidationException("references_event_id", "names an event of another source");
        }

        if (State.RetractedEventIds.Contains(reference))
        {
            return Ack(IntakeOutcome.Retracted);
        }

        if (!State.AlertEventIds.Contains(reference))
        {
            throw new NotFoundException("event", $"{cancel.Event.Source}/{reference}");
        }

        if (IncidentFold.IsFinished(State))
        {
            throw new IllegalTransitionException(GrainKey, State.Status, "retract an alert", "the incident is finished");
        }

        var e = IncidentRules.SystemEvent(now, cancel.Actor, "alert cancelled by its source");
        e.AlertRetracted = new AlertRetracted { SourceEventId = reference, IncidentRetracted = State.AlertEventIds.Count == 1 };
        await CommitAsync([e]);
        return Ack(IntakeOutcome.Retracted);
    }

    public async Task AbsorbDuplicate(AbsorbDuplicateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State.Status == IncidentStatus.Unspecified)
        {
            throw new NotFoundException("incident", GrainKey);
        }

        if (State.Duplicates.Contains(request.DuplicateId))
        {
            return;
        }

        if (IncidentFold.IsFinished(State))
        {
            throw new IllegalTransitionException(GrainKey, State.Status, "absorb a duplicate", "a finished incident takes no duplicates");
        }

        var e = IncidentRules.SystemEvent(TimeProvider.GetUtcNow(), request.Actor, "duplicate merged into this incident");
        e.DuplicateAbsorbed = new DuplicateAbsorbed { IncidentId = request.DuplicateId };
        await CommitAsync([e]);
    }

    private SubmitAck Ack(IntakeOutcome outcome) => new()
    {
        IncidentId = GrainKey,
        Outcome = outcome,
        AlertCount = State.AlertCount,
        Status = State.Status,
        Exercise = State.Exercise,
    };
}
