using CityBrain.Actors;

namespace CityBrain.Contracts;

/// <summary>One shard of the daily index of real (non-exercise) incidents, key <c>yyyyMMdd-NN</c> (the local
/// day of the report). The evaluation and list queries enumerate incidents through it.</summary>
public interface IIncidentIndexGrain : IGrain
{
    /// <summary>Adds ids (a set: adding twice is harmless). Completes when durable.</summary>
    Task Add(IncidentIdBatch batch);

    /// <summary>Every id in this shard.</summary>
    [ReadOnly]
    Task<IncidentIdBatch> List();
}
