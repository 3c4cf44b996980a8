using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Internal.Security;
using CityBrain.Grains.Drills;
using Grpc.Core;

namespace CityBrain.Gateway.Internal.Services;

/// <summary>Drills: <see cref="DrillService"/> (the drill grain keyed by the scenario's id).</summary>
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

    public override async Task<DrillStatus> GetDrillStatus(DrillRef request, ServerCallContext context)
    {
        var status = await drills.StatusAsync(Ids.Key(request.DrillId, "drill_id"));
        return status.State == DrillState.Unspecified ? throw new NotFoundException("drill", request.DrillId) : status;
    }

    public override async Task<DrillReport> GetDrillReport(DrillRef request, ServerCallContext context)
    {
        return await drills.ReportAsync(Ids.Key(request.DrillId, "drill_id"));
    }
}
