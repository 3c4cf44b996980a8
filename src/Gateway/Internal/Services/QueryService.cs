using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.City;
using CityBrain.Grains.Evaluation;
using CityBrain.Grains.Queries;
using Grpc.Core;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>Query: the incident grain (Get, GetJournal), the query services of the city (lists, the SLA board, the
/// incident feed), the department grain and the evaluation — always as the caller, whose role narrows what it sees.</summary>
internal sealed class QueryService(
    IGrainFactory grains,
    IncidentListService lists,
    SlaBoardService boards,
    IncidentWatchService watches,
    EvaluationService evaluation,
    CityDirectory city,
    TimeProvider time) : Query.QueryBase
{
    public override async Task<IncidentDetail> GetIncident(GetIncidentRequest request, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        var grain = grains.GetGrain<IIncidentGrain>(Ids.Incident(request.IncidentId));
        var incident = await grain.Get(actor);
        var detail = new IncidentDetail { Incident = incident, Summary = IncidentListService.Summarize(incident, time.GetUtcNow()) };
        if (!request.OmitJournal)
        {
            detail.Journal = await grain.GetJournal(new JournalQuery
            {
                Actor = actor,
                AfterSequence = request.JournalAfterSequence,
                MaxCount = request.JournalMaxEntries,
            });
        }

        return detail;
    }

    public override async Task<IncidentList> ListIncidents(IncidentListQuery request, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        if (request.ReporterPhone.Length > 0 && !PersonalData.SeesInFull(actor.Role))
        {
            throw new PermissionDeniedException(actor.UserId, actor.Role, "search by reporter_phone",
                "a phone number is personal information: only the roles that see reporters in full (dispatcher, admin) search by it");
        }

        return await lists.ListAsync(actor, request);
    }

    public override async Task WatchIncidents(IncidentWatchQuery request, IServerStreamWriter<IncidentChangeBatch> responseStream, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        // The watch checks the caller and the query before its first batch, so a refusal writes nothing.
        await foreach (var batch in watches.WatchAsync(actor, request, context.CancellationToken))
        {
            await responseStream.WriteAsync(batch, context.CancellationToken);
        }
    }

    public override async Task<SlaBoardView> GetSlaBoard(SlaBoardQuery request, ServerCallContext context)
    {
        return await boards.GetAsync(context.Caller().Actor, request);
    }

    public override async Task<DepartmentBoard> ListAssignments(ListAssignmentsRequest request, ServerCallContext context)
    {
        var actor = context.Caller().Actor;
        var department = request.DepartmentId;
        if (actor.Role == Role.Department)
        {
            if (department.Length > 0 && department != actor.DepartmentId)
            {
                throw new PermissionDeniedException(actor.UserId, actor.Role, "list assignments", $"a department reads its own assignments only, not those of '{department}'");
            }

            department = actor.DepartmentId;
        }

        if (!city.Require().DepartmentsById.ContainsKey(Ids.Key(department, "department_id")))
        {
            throw new NotFoundException("department", department);
        }

        var board = await grains.GetGrain<IDepartmentGrain>(department).GetAssignments();
        if (request.IncludeFinished)
        {
            // History from the daily index (the department grain keeps open assignments only), as the caller may read it.
            var (finished, next) = await lists.ListFinishedAssignmentsAsync(actor, department, request.FromDay, request.ToDay, request.PageSize, request.PageToken);
            board.Finished.Add(finished);
            board.NextPageToken = next;
        }

        return board;
    }

    public override async Task<EvaluationReport> GetEvaluation(EvaluationQuery request, ServerCallContext context)
    {
        return await evaluation.ComputeAsync(context.Caller().Actor, request);
    }
}
