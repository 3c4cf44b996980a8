using CityBrain.Contracts;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Lifecycle;

namespace CityBrain.Grains.Incidents;

internal sealed partial class IncidentGrain
{
    public async Task<SubmitAck> Report(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var turn = await BeginTurnAsync();
        var now = time.GetUtcNow();
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
        if (seed.Id != Key)
        {
            throw new ValidationException("source_event_id", $"the event belongs to incident {seed.Id}, not {Key}");
        }

        var e = IncidentRules.SystemEvent(now, request.Actor, request.Exercise ? "exercise event injected" : "event received");
        e.Reported = new Reported { Seed = seed };

        // The incident's feed entry is its daily index entry too: no write of its own, and never without the incident.
        _dayTag = IncidentIndex.Tag(model.LocalDay(now), seed.Exercise);

        await CommitAsync([e]);
        if (_deactivateAfterReport)
        {
            // Usually touched next minutes later (accept): meanwhile it would only cost memory and GC time.
            this.DeactivateOnIdle();
        }

        return Ack(IntakeOutcome.Created);
    }

    public async Task<SubmitAck> MergeAlert(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var turn = await BeginTurnAsync();
        var now = time.GetUtcNow();
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
        using var turn = await BeginTurnAsync();
        var now = time.GetUtcNow();
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
            throw new IllegalTransitionException(Key, State.Status, "retract an alert", "the incident is finished");
        }

        var e = IncidentRules.SystemEvent(now, cancel.Actor, cancel.Reason.Length > 0 ? cancel.Reason : "alert cancelled by its source");
        e.AlertRetracted = new AlertRetracted { SourceEventId = reference, IncidentRetracted = State.AlertEventIds.Count == 1 };
        await CommitAsync([e]);
        return Ack(IntakeOutcome.Retracted);
    }

    /// <summary>Interleaves with a running turn (see the interface): while this incident is itself being marked a duplicate
    /// it refuses at once, since the other incident's turn may be what this one waits for; otherwise it waits its turn.</summary>
    public async Task AbsorbDuplicate(AbsorbDuplicateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_markingDuplicate is { } marking)
        {
            throw new IllegalTransitionException(Key, marking.Status, "absorb a duplicate", $"it is being marked a duplicate of {marking.Of}; try again");
        }

        using var turn = await BeginTurnAsync();
        if (State.Status == IncidentStatus.Unspecified)
        {
            throw new NotFoundException("incident", Key);
        }

        if (State.Duplicates.Contains(request.DuplicateId))
        {
            return;
        }

        if (IncidentFold.IsFinished(State))
        {
            throw new IllegalTransitionException(Key, State.Status, "absorb a duplicate", "a finished incident takes no duplicates");
        }

        var e = IncidentRules.SystemEvent(time.GetUtcNow(), request.Actor, "duplicate merged into this incident");
        e.DuplicateAbsorbed = new DuplicateAbsorbed { IncidentId = request.DuplicateId };
        await CommitAsync([e]);
    }

    private SubmitAck Ack(IntakeOutcome outcome) => new()
    {
        IncidentId = Key,
        Outcome = outcome,
        AlertCount = State.AlertCount,
        Status = State.Status,
        Exercise = State.Exercise,
    };
}
