using CityBrain.Contracts;
using CityBrain.Grains.City;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Internal;
using CityBrain.Grains.Lifecycle;
using CityBrain.Storage;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grains.Drills;

/// <summary>
/// A drill 应急联动演练: injects its scenario's events at their times (a durable deadline, so a restart does not
/// lose them), as incidents marked exercise that departments answer as for real, and reports each department's
/// accept / assign / arrive times against the SLA. Drill incidents never enter the daily index, so never the
/// evaluation. The deadline is written before the state that needs it: after a failure between the two, it fires for a
/// drill that finds nothing to do, never the other way round. A stop is written to the state before the injection's
/// deadline is disarmed, and every injection reads the state first: a stopped drill injects nothing, even when a
/// deadline it armed fires after a restart. A cancel arms a "close" deadline before writing itself, so the retraction of
/// its open incidents is retried until done (after a crash too), and does the retractions at once as well.
/// </summary>
[GrainType("drill")]
internal sealed class DrillGrain(
    [PersistentState("drill")] IPersistentState<DrillProgress> state,
    DeadlineWriter deadlines,
    CityDirectory city,
    TimeProvider time,
    ILogger<DrillGrain> logger) : Grain, IDrillGrain, IDeadlineReceiver
{
    private const string InjectDeadline = "inject";
    private const string CloseDeadline = "close";
    private const int MaxReason = 1000;
    private static readonly Actor Injector = new() { UserId = "drill", Role = Role.System };

    public async Task<DrillStatus> Start(StartDrillRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Permissions.RequireRole(request.Actor, "start a drill", "only dispatchers and administrators start drills", Role.Dispatcher, Role.Admin, Role.System);

        var scenario = DrillScenario.Parse(request.ScenarioText);
        if (scenario.Id != Key)
        {
            throw new ValidationException("drill.id", $"'{scenario.Id}' does not name this drill ('{Key}')");
        }

        var sha = CityFile.Hash(request.ScenarioText);
        if (state.RecordExists)
        {
            return State.ScenarioSha256 == sha
                ? Status()
                : throw new ValidationException("drill.id", $"drill '{Key}' already ran with another scenario; give this one a new id");
        }

        var now = time.GetUtcNow();
        var model = city.Require();
        CheckAgainstCity(scenario, model, now);
        if (HasLimitedJurisdiction(request.Actor))
        {
            RequireJurisdiction(request.Actor, "start a drill", scenario, model, now);
        }

        // Listed before it exists: after a failure here the list names a drill that reads as none (ListDrills skips it),
        // never the other way round.
        await GrainFactory.GetGrain<IDrillIndexGrain>(0).Add(Key);
        await deadlines.SetAsync(this.GetGrainId(), InjectDeadline, now + scenario.Events[0].Offset);
        state.State = new DrillProgress
        {
            ScenarioText = request.ScenarioText,
            ScenarioSha256 = sha,
            Name = scenario.Name,
            StartedAt = now,
            EventCount = scenario.Events.Count,
            StartedBy = request.Actor.UserId,
        };
        await state.WriteStateAsync();
        return Status();
    }

    /// <summary>Every event must be one the intake would accept, so a bad scenario fails before anything starts.</summary>
    private static void CheckAgainstCity(DrillScenario scenario, CityModel model, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < scenario.Events.Count; i++)
        {
            try
            {
                IntakeValidator.Validate(new ReportRequest { Event = scenario.Events[i].Event, Actor = Injector }, model, now);
            }
            catch (ValidationException exception)
            {
                errors.AddRange(exception.Errors.Select(e => e with { Path = $"events[{i}].{MapField(e.Path)}" }));
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>
    /// Dispatchers act only within their jurisdiction, and a drill acts where its events land: a dispatcher whose
    /// jurisdiction is not the whole city (<see cref="HasLimitedJurisdiction"/>) starts, stops or cancels a drill only when
    /// it covers the grid, community or street that intake routes every event of the scenario to (with the city as it is
    /// now). An event that cannot be routed any more (the city changed) is covered by no limited jurisdiction.
    /// Administrators, whole-city dispatchers and the system act on any drill.
    /// </summary>
    private static void RequireJurisdiction(Actor actor, string action, DrillScenario scenario, CityModel model, DateTimeOffset now)
    {
        for (var i = 0; i < scenario.Events.Count; i++)
        {
            var where = Placed(scenario.Events[i], model, now);
            if (where is null || !Permissions.Covers(actor.Jurisdiction, where))
            {
                var area = where is null ? "cannot be placed in the city as it is now"
                    : $"lands in grid '{where.GridId}', community '{where.CommunityId}', street '{where.StreetId}'";
                throw Permissions.Denied(actor, action, $"events[{i}] ('{scenario.Events[i].Id}') {area}, outside the caller's jurisdiction");
            }
        }
    }

    private static bool HasLimitedJurisdiction(Actor actor) => actor.Role == Role.Dispatcher && actor.Jurisdiction.Count > 0;

    /// <summary>Where intake would route the event (its grid, community and street), or null if the city refuses it.</summary>
    private static Incident? Placed(DrillScenarioEvent item, CityModel model, DateTimeOffset now)
    {
        var request = new ReportRequest { Event = item.Event, Actor = Injector, Exercise = true };
        try
        {
            IntakeValidator.Validate(request, model, now);
        }
        catch (ValidationException)
        {
            return null;
        }

        return IncidentRouter.Route(request, model, now);
    }

    private static string MapField(string path) => path switch
    {
        "category_code" => "category",
        "location.grid_id" => "location.grid",
        _ => path,
    };

    public async Task<DrillStatus> Stop(StopDrillRequest request)
    {
        CheckStopOrCancel(request, "stop");
        var current = Status().State;
        if (current != DrillState.Running)
        {
            throw new IllegalTransitionException(current switch
            {
                DrillState.Injected => $"Drill '{Key}' has injected all {State.EventCount} of its events: nothing is left to stop (cancel it to close its incidents).",
                DrillState.Cancelled => $"Drill '{Key}' was cancelled at {State.StoppedAt:O} by {State.StoppedBy}: nothing is left to stop.",
                _ => $"Drill '{Key}' was stopped at {State.StoppedAt:O} by {State.StoppedBy}: nothing is left to stop.",
            });
        }

        state.State = State with { StoppedAt = time.GetUtcNow(), StoppedBy = request.Actor.UserId, StoppedByRole = request.Actor.Role, StopReason = request.Reason };
        await state.WriteStateAsync();
        await deadlines.CancelAsync(this.GetGrainId(), InjectDeadline);
        return Status();
    }

    public async Task<DrillStatus> Cancel(StopDrillRequest request)
    {
        CheckStopOrCancel(request, "cancel");
        if (!State.Cancelled)
        {
            await deadlines.SetAsync(this.GetGrainId(), CloseDeadline, time.GetUtcNow());
            state.State = State with
            {
                StoppedAt = State.StoppedAt ?? time.GetUtcNow(),
                StoppedBy = request.Actor.UserId,
                StoppedByRole = request.Actor.Role,
                StopReason = request.Reason,
                Cancelled = true,
            };
            await state.WriteStateAsync();
            await deadlines.CancelAsync(this.GetGrainId(), InjectDeadline);
        }

        await CloseOpenIncidentsAsync();
        return Status();
    }

    /// <summary>Retracts every open incident of a cancelled drill, as the user who cancelled it, then disarms the
    /// "close" deadline. A retraction that fails leaves the deadline armed: it fires again later.</summary>
    private async Task CloseOpenIncidentsAsync()
    {
        var actor = new Actor { UserId = State.StoppedBy, Role = State.StoppedByRole };
        var reason = $"drill '{Key}' cancelled" + (State.StopReason.Length > 0 ? ": " + State.StopReason : string.Empty);
        var closed = 0;
        foreach (var (_, incidentId) in State.Injected)
        {
            if (incidentId.Length == 0)
            {
                continue;
            }

            var grain = GrainFactory.GetGrain<IIncidentGrain>(incidentId);
            var incident = await grain.Get(Injector);
            if (IncidentFold.IsFinished(incident))
            {
                continue;
            }

            foreach (var alert in incident.AlertEventIds)
            {
                var cancel = new IntakeEvent { Source = incident.Source, SourceEventId = alert, MessageType = MessageType.Cancel, ReferencesEventId = alert };
                var ack = await grain.RetractAlert(new ReportRequest { Actor = actor, Event = cancel, Reason = reason });
                if (ack.Status == IncidentStatus.Retracted)
                {
                    closed++;
                }
            }
        }

        if (closed > 0)
        {
            state.State = State with { IncidentsClosed = State.IncidentsClosed + closed };
            await state.WriteStateAsync();
        }

        await deadlines.CancelAsync(this.GetGrainId(), CloseDeadline);
    }

    /// <summary>The refusals a stop and a cancel share: the caller's role, the reason's length, no such drill.</summary>
    private void CheckStopOrCancel(StopDrillRequest request, string verb)
    {
        ArgumentNullException.ThrowIfNull(request);
        Permissions.RequireRole(request.Actor, $"{verb} a drill", $"only dispatchers and administrators {verb} drills", Role.Dispatcher, Role.Admin, Role.System);
        if (request.Reason.Length > MaxReason)
        {
            throw new ValidationException("reason", $"longer than {MaxReason} characters");
        }

        if (!state.RecordExists)
        {
            throw new NotFoundException("drill", Key);
        }

        if (HasLimitedJurisdiction(request.Actor))
        {
            RequireJurisdiction(request.Actor, $"{verb} a drill", DrillScenario.Parse(State.ScenarioText), city.Require(), time.GetUtcNow());
        }
    }

    public async Task ReceiveDeadline(DeadlineTick tick)
    {
        if (!state.RecordExists)
        {
            return;
        }

        if (tick.Name == CloseDeadline)
        {
            if (State.Cancelled)
            {
                await CloseOpenIncidentsAsync();
            }

            return;
        }

        if (tick.Name != InjectDeadline || State.StoppedAt is not null)
        {
            return;
        }

        var scenario = DrillScenario.Parse(State.ScenarioText);
        var now = time.GetUtcNow();
        var injected = State.Injected.ToList();
        foreach (var item in scenario.Events)
        {
            if (State.StartedAt + item.Offset > now || injected.Any(i => i.Key == item.Id))
            {
                continue;
            }

            var request = new ReportRequest { Event = item.Event.Clone(), Actor = Injector, Exercise = true, DrillId = Key };
            request.Event.OccurredAt = Times.Stamp(now);
            try
            {
                var ack = await GrainFactory.GetGrain<IIncidentGrain>(IncidentIds.For(request.Event.Source, item.Id)).Report(request);
                injected.Add(new KeyValuePair<string, string>(item.Id, ack.IncidentId));
            }
            catch (CityBrainException exception)
            {
                // The city changed since the start and refuses this event: report it and go on with the others.
                GrainsLog.DrillInjectFailed(logger, exception, Key, item.Id);
                injected.Add(new KeyValuePair<string, string>(item.Id, string.Empty));
            }
        }

        var next = scenario.Events.Where(e => !injected.Any(i => i.Key == e.Id)).Select(e => State.StartedAt + e.Offset).DefaultIfEmpty().Min();
        if (next != default)
        {
            await deadlines.SetAsync(this.GetGrainId(), InjectDeadline, next);
        }

        state.State = State with { Injected = injected };
        await state.WriteStateAsync();
    }

    public async Task<DrillReport> Report()
    {
        if (!state.RecordExists)
        {
            throw new NotFoundException("drill", Key);
        }

        var incidents = new List<(string EventId, Incident Incident)>();
        foreach (var (eventId, incidentId) in State.Injected)
        {
            if (incidentId.Length > 0)
            {
                incidents.Add((eventId, await GrainFactory.GetGrain<IIncidentGrain>(incidentId).Get(Injector)));
            }
        }

        var report = DrillReportBuilder.Build(incidents, time.GetUtcNow());
        report.Status = Status();
        return report;
    }

    Task<DrillStatus> IDrillGrain.Status() => Task.FromResult(state.RecordExists ? Status() : new DrillStatus { DrillId = Key });

    private DrillProgress State => state.State;

    private string Key => this.GetPrimaryKeyString();

    private DrillStatus Status()
    {
        var status = new DrillStatus
        {
            DrillId = Key,
            Name = State.Name,
            State = State.Cancelled ? DrillState.Cancelled
                : State.StoppedAt is not null ? DrillState.Stopped
                : State.Injected.Count < State.EventCount ? DrillState.Running
                : DrillState.Injected,
            StartedAt = Times.Stamp(State.StartedAt),
            EventsTotal = State.EventCount,
            EventsInjected = State.Injected.Count,
            StartedBy = State.StartedBy,
            StoppedBy = State.StoppedBy,
            StopReason = State.StopReason,
            IncidentsClosed = State.IncidentsClosed,
        };
        if (State.StoppedAt is { } stoppedAt)
        {
            status.StoppedAt = Times.Stamp(stoppedAt);
        }

        status.IncidentIds.Add(State.Injected.Where(i => i.Value.Length > 0).Select(i => i.Value));
        return status;
    }
}
