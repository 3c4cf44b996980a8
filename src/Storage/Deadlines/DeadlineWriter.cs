using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;

namespace CityBrain.Storage;

/// <summary>Arms and disarms deadlines of grains that keep no journal (their state lives elsewhere): each change is
/// durable on its own when the call completes. Journaled grains stage theirs with <see cref="IJournal{TState,TEvent}.SetDeadline"/>
/// instead, durable with their next append.</summary>
public sealed class DeadlineWriter
{
    private readonly JournalStore _store;
    private readonly TimeProvider _time;

    internal DeadlineWriter(JournalStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>Arms (or re-arms) the deadline <paramref name="name"/> of <paramref name="grain"/>.</summary>
    public Task SetAsync(GrainId grain, string name, DateTimeOffset dueAt) => WriteAsync(grain, new DeadlineChange(DeadlineNames.Validate(name), dueAt));

    /// <summary>Disarms the deadline <paramref name="name"/> of <paramref name="grain"/>.</summary>
    public Task CancelAsync(GrainId grain, string name) => WriteAsync(grain, new DeadlineChange(DeadlineNames.Validate(name), null));

    private Task WriteAsync(GrainId grain, DeadlineChange change) => _store.CommitAsync(new AppendRequest
    {
        Grain = JournalFacet<object, object>.StoredGrainOf(grain),
        Deadlines = [change],
        At = _time.GetUtcNow(),
    });
}
