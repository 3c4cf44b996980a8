using CityBrain.Contracts;
using CityBrain.Grains.Views;

namespace CityBrain.Grains.Departments;

/// <summary>A department's open assignments: a view of the incident feed, kept by the projector from the assignment
/// notices incidents decide with their transitions.</summary>
[GrainType("department")]
internal sealed class DepartmentGrain([PersistentState("department-queue")] IPersistentState<DepartmentState> state) : Grain, IDepartmentGrain
{
    public async Task Apply(ViewUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (ViewUpdates.Apply(state.State.Applied, update, ApplyNotice))
        {
            await state.WriteStateAsync();
        }
    }

    private void ApplyNotice(ViewNotice notice)
    {
        if (notice.Assignment is not { } assignment)
        {
            return;
        }

        if (assignment.Open)
        {
            state.State.Open[assignment.IncidentId] = assignment;
        }
        else
        {
            state.State.Open.Remove(assignment.IncidentId);
        }
    }

    public Task<DepartmentBoard> GetAssignments()
    {
        var board = new DepartmentBoard { DepartmentId = this.GetPrimaryKeyString() };
        board.Open.Add(state.State.Open.Values.OrderBy(n => n.DispatchedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue));
        return Task.FromResult(board);
    }
}
