using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grains.Internal;

namespace CityBrain.Grains.Intake;

/// <summary>One shard of the daily index of real incidents. Adds are group-committed as journal appends; the set
/// is kept in memory for membership (an id already present costs no write).</summary>
[GrainType("incident-index")]
[Reentrant]
internal sealed class IncidentIndexGrain : JournaledGrain<IncidentIdBatch, IncidentIdBatch>, IIncidentIndexGrain
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly List<string> _queued = [];
    private readonly WriteCoalescer _writer;

    public IncidentIndexGrain()
    {
        _writer = new WriteCoalescer(FlushAsync);
    }

    protected override int SnapshotInterval => 500;

    /// <summary>Appends in place: the shard can hold many thousand ids and a copy per event would be quadratic.</summary>
    protected override IncidentIdBatch Apply(IncidentIdBatch state, IncidentIdBatch @event)
    {
        state.Ids.Add(@event.Ids);
        return state;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _known.UnionWith(State.Ids);
        return Task.CompletedTask;
    }

    public Task Add(IncidentIdBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var added = false;
        foreach (var id in batch.Ids)
        {
            if (id.Length > 0 && _known.Add(id))
            {
                _queued.Add(id);
                added = true;
            }
        }

        return added ? _writer.Submit() : Task.CompletedTask;
    }

    private Task FlushAsync()
    {
        if (_queued.Count > 0)
        {
            var batch = new IncidentIdBatch();
            batch.Ids.Add(_queued);
            _queued.Clear();
            RaiseEvent(batch);
        }

        return ConfirmEventsAsync();
    }

    public Task<IncidentIdBatch> List() => Task.FromResult(State);
}
