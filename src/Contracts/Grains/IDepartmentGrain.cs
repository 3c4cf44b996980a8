using CityBrain.Actors;

namespace CityBrain.Contracts;

/// <summary>A department 部门 (key: department id): its open assignments.</summary>
public interface IDepartmentGrain : IGrain
{
    /// <summary>Opens or ends an assignment. Completes when durable.</summary>
    Task Track(AssignmentNotice notice);

    /// <summary>The open assignments.</summary>
    [ReadOnly]
    Task<DepartmentBoard> GetAssignments();
}
