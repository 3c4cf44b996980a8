using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Security;
using Grpc.Core;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>Dispatch: each call is one <see cref="IncidentCommand"/> on the incident grain (<c>Execute</c>), with the
/// caller's actor from the token; the grain decides, records and returns the incident.</summary>
internal sealed class DispatchService(IGrainFactory grains) : Dispatch.DispatchBase
{
    public override Task<Incident> Accept(IncidentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Accept = new AcceptAction() });

    public override Task<Incident> Reject(IncidentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Reject = new RejectAction() });

    public override Task<Incident> Assign(AssignRequest request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Assign = new AssignAction { DepartmentId = request.DepartmentId, UnitId = request.UnitId } });

    public override Task<Incident> DispatchLinkage(DispatchLinkageRequest request, ServerCallContext context)
    {
        var action = new DispatchLinkageAction();
        action.DepartmentIds.Add(request.DepartmentIds);
        return ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { DispatchLinkage = action });
    }

    public override Task<Incident> ConfirmArrival(DepartmentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { ConfirmArrival = new ConfirmArrivalAction { DepartmentId = request.DepartmentId } });

    public override Task<Incident> Handle(HandleRequest request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Handle = new HandleAction { DepartmentId = request.DepartmentId, Result = request.Result, PhotoUrls = { request.PhotoUrls } } });

    public override Task<Incident> Verify(VerifyRequest request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Verify = new VerifyAction { Passed = request.Passed } });

    public override Task<Incident> Close(IncidentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Close = new CloseAction() });

    public override Task<Incident> ReturnAssignment(DepartmentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { ReturnAssignment = new ReturnAction { DepartmentId = request.DepartmentId } });

    public override Task<Incident> Reopen(IncidentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Reopen = new ReopenAction() });

    public override Task<Incident> Suspend(IncidentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Suspend = new SuspendAction() });

    public override Task<Incident> Resume(IncidentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Resume = new ResumeAction() });

    public override Task<Incident> Escalate(IncidentAction request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { Escalate = new EscalateAction() });

    public override async Task<Incident> MarkDuplicate(MarkDuplicateRequest request, ServerCallContext context)
    {
        var other = Ids.Incident(request.DuplicateOf, "duplicate_of");
        return await ExecuteAsync(context, request.IncidentId, request.Reason, new IncidentCommand { MarkDuplicate = new MarkDuplicateAction { DuplicateOf = other } });
    }

    /// <summary>A note without a state change (NoteAdded); the grain checks who may write it and its limits.</summary>
    public override Task<Incident> AddNote(AddNoteRequest request, ServerCallContext context) =>
        ExecuteAsync(context, request.IncidentId, string.Empty, new IncidentCommand { AddNote = new AddNoteAction { Text = request.Text, Attachments = { request.Attachments } } });

    /// <summary>Retracts alerts as the incident's source would with a CAP cancel; the caller must be able to act on the
    /// incident (a dispatcher within its jurisdiction), which reading it as the caller checks first.</summary>
    public override async Task<Incident> Retract(RetractRequest request, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        var grain = grains.GetGrain<IIncidentGrain>(Ids.Incident(request.IncidentId));
        var incident = await grain.Get(actor);
        var alerts = request.SourceEventId.Length > 0 ? [request.SourceEventId] : incident.AlertEventIds.ToArray();
        foreach (var alert in alerts)
        {
            var cancel = new IntakeEvent
            {
                Source = incident.Source,
                SourceEventId = alert,
                MessageType = MessageType.Cancel,
                ReferencesEventId = alert,
            };
            await grain.RetractAlert(new ReportRequest { Actor = actor, Event = cancel });
        }

        return await grain.Get(actor);
    }

    private async Task<Incident> ExecuteAsync(ServerCallContext context, string incidentId, string reason, IncidentCommand command)
    {
        command.IncidentId = Ids.Incident(incidentId);
        command.Actor = context.Caller().Actor;
        command.Reason = reason;
        return await grains.GetGrain<IIncidentGrain>(command.IncidentId).Execute(command);
    }
}
