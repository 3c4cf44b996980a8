using Orleans.Concurrency;

namespace CityBrain.Contracts;

/// <summary>A drill 应急联动演练 (key: drill id): injects its scenario's events at their times, marked exercise.</summary>
public interface IDrillGrain : IGrainWithStringKey
{
    /// <summary>Starts the drill; starting it again with the same scenario returns its status.</summary>
    Task<DrillStatus> Start(StartDrillRequest request);

    /// <summary>Each department's accept, assign and arrive times against the SLA.</summary>
    [ResponseTimeout("00:02:00")]
    Task<DrillReport> Report();

    /// <summary>The drill's progress.</summary>
    [ReadOnly]
    Task<DrillStatus> Status();
}
