using Orleans.Concurrency;

namespace CityBrain.Contracts;

/// <summary>A department 部门 (key: department id): its open assignments, a view of the incident feed.</summary>
public interface IDepartmentGrain : IGrainWithStringKey
{
    /// <summary>Applies the assignment notices the view projector delivers (those after the position recorded for its
    /// shard; a batch delivered again changes nothing). Completes when durable.</summary>
    Task Apply(ViewUpdate update);

    /// <summary>The open assignments.</summary>
    [ReadOnly]
    Task<DepartmentBoard> GetAssignments();
}
