using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.Departments;

/// <summary>
/// A department's open assignments. Busy (every dispatch reaches one of a dozen departments), so it is reentrant
/// and group-commits its changes as journal appends; the board is a map by incident id.
/// </summary>
[GrainType("department")]
[Reentrant]
internal sealed class DepartmentGrain : JournaledGrain<DepartmentState, AssignmentNotice>, IDepartmentGrain
{
    private readonly List<AssignmentNotice> _queued = [];
    private readonly WriteCoalescer _writer;

    public DepartmentGrain()
    {
        _writer = new WriteCoalescer(FlushAsync);
    }

    protected override int SnapshotInterval => 1000;

    /// <summary>Changes the map in place: a copy per event would cost the whole board each time.</summary>
    protected override DepartmentState Apply(DepartmentState state, AssignmentNotice @event)
    {
        if (@event.Open)
        {
            state.Open[@event.IncidentId] = @event;
        }
        else
        {
            state.Open.Remove(@event.IncidentId);
        }

        return state;
    }

    public Task Track(AssignmentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        _queued.Add(notice);
        return _writer.Submit();
    }

    private Task FlushAsync()
    {
        foreach (var notice in _queued)
        {
            RaiseEvent(notice);
        }

        _queued.Clear();
        return ConfirmEventsAsync();
    }

    public Task<DepartmentBoard> GetAssignments()
    {
        var board = new DepartmentBoard { DepartmentId = GrainKey };
        board.Open.Add(State.Open.Values.OrderBy(n => n.DispatchedAt?.ToDateTimeOffset() ?? DateTimeOffset.MinValue));
        return Task.FromResult(board);
    }
}
