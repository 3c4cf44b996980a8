using Orleans.Concurrency;

namespace CityBrain.Contracts;

/// <summary>A drill 应急联动演练 (key: drill id): injects its scenario's events at their times, marked exercise.</summary>
public interface IDrillGrain : IGrainWithStringKey
{
    /// <summary>Starts the drill; starting it again with the same scenario returns its status.</summary>
    Task<DrillStatus> Start(StartDrillRequest request);

    /// <summary>Stops injecting the scenario's remaining events (durably: a restart injects nothing more); the incidents
    /// already injected go on. Refused (FAILED_PRECONDITION) unless the drill is running; NOT_FOUND for no drill.</summary>
    Task<DrillStatus> Stop(StopDrillRequest request);

    /// <summary>Stops injecting (if it still does) and retracts every open incident of the drill, with the caller and
    /// the reason in each journal, so they leave the boards and queues. Cancelling a cancelled drill retracts what is
    /// still open (a retry after a failure finishes the job). NOT_FOUND for no drill.</summary>
    [ResponseTimeout("00:02:00")]
    Task<DrillStatus> Cancel(StopDrillRequest request);

    /// <summary>Each department's accept, assign and arrive times against the SLA.</summary>
    [ResponseTimeout("00:02:00")]
    Task<DrillReport> Report();

    /// <summary>The drill's progress.</summary>
    [ReadOnly]
    Task<DrillStatus> Status();
}
