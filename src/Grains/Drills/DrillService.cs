using CityBrain.Contracts;

namespace CityBrain.Grains.Drills;

/// <summary>The Drills API's entry point: start a drill from a scenario text, read its status and report.</summary>
public sealed class DrillService(IGrainFactory grains)
{
    /// <summary>Starts the drill named in the scenario.</summary>
    public Task<DrillStatus> StartAsync(StartDrillRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scenario = DrillScenario.Parse(request.ScenarioText);
        return grains.GetGrain<IDrillGrain>(scenario.Id).Start(request);
    }

    /// <summary>The drill's report.</summary>
    public Task<DrillReport> ReportAsync(string drillId) => grains.GetGrain<IDrillGrain>(Require(drillId)).Report();

    /// <summary>The drill's status.</summary>
    public Task<DrillStatus> StatusAsync(string drillId) => grains.GetGrain<IDrillGrain>(Require(drillId)).Status();

    private static string Require(string drillId) =>
        string.IsNullOrEmpty(drillId) ? throw new ValidationException("drill_id", "required") : drillId;
}
