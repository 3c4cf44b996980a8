namespace CityBrain.Actors.Storage;

/// <summary>
/// Group commit: writes from many grains wait in one queue; each of a few writer loops takes everything queued
/// (up to a batch limit) and commits it in one transaction, so one round trip and one fsync serve many writes.
/// A write's task completes only after its transaction committed.
/// </summary>
internal sealed class GroupCommitWriter(int loops, int maxBatch, Func<List<PendingCommit>, Task> commitBatch) : IAsyncDisposable
{
    private readonly BatchingQueue<PendingCommit> _queue = new(loops, maxBatch, commitBatch, static (pending, error) => pending.TrySetException(error));

    /// <summary>Number of writes waiting for a batch.</summary>
    public int Queued => _queue.Queued;

    public Task<bool> CommitAsync(WriteGroup group)
    {
        var pending = new PendingCommit(group);
        _queue.Enqueue(pending);
        return pending.Task;
    }

    public ValueTask DisposeAsync() => _queue.DisposeAsync();
}
