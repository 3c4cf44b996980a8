using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.Drills;
using Grpc.Core;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>Drills: <see cref="DrillService"/> (the drill grain keyed by the scenario's id, and the drill index).</summary>
internal sealed class DrillsService(DrillService drills) : Drills.DrillsBase
{
    public override async Task<DrillStatus> StartDrill(DrillScenarioRequest request, ServerCallContext context)
    {
        return await drills.StartAsync(new StartDrillRequest
        {
            Actor = context.Caller().Actor,
            ScenarioText = request.ScenarioText,
            FileName = request.FileName,
        });
    }

    public override async Task<DrillList> ListDrills(ListDrillsRequest request, ServerCallContext context)
    {
        var (rows, next) = await drills.ListAsync(request.PageSize, request.PageToken);
        var list = new DrillList { NextPageToken = next };
        list.Drills.Add(rows);
        return list;
    }

    public override async Task<DrillStatus> GetDrillStatus(DrillRef request, ServerCallContext context)
    {
        var status = await drills.StatusAsync(Ids.Key(request.DrillId, "drill_id"));
        return status.State == DrillState.Unspecified ? throw new NotFoundException("drill", request.DrillId) : status;
    }

    public override async Task<DrillReport> GetDrillReport(DrillRef request, ServerCallContext context)
    {
        return await drills.ReportAsync(Ids.Key(request.DrillId, "drill_id"));
    }

    public override async Task<DrillStatus> StopDrill(DrillAction request, ServerCallContext context)
    {
        return await drills.StopAsync(Ids.Key(request.DrillId, "drill_id"), new StopDrillRequest { Actor = context.Caller().Actor, Reason = request.Reason });
    }

    public override async Task<DrillStatus> CancelDrill(DrillAction request, ServerCallContext context)
    {
        return await drills.CancelAsync(Ids.Key(request.DrillId, "drill_id"), new StopDrillRequest { Actor = context.Caller().Actor, Reason = request.Reason });
    }
}
