namespace CityBrain.Actors.Storage;

/// <summary>
/// Group reads: like <see cref="GroupCommitWriter"/> for loads. Activations that load at the same time wait in
/// one queue; each of a few reader loops takes everything queued (up to a limit) and loads it with one query,
/// so a burst of new activations costs one round trip per batch rather than one per grain.
/// </summary>
internal sealed class GroupReader<TResult>(int loops, int maxBatch, Func<List<PendingRead<TResult>>, Task> readBatch) : IAsyncDisposable
{
    private readonly BatchingQueue<PendingRead<TResult>> _queue = new(loops, maxBatch, readBatch, static (pending, error) => pending.TrySetException(error));

    public Task<TResult> ReadAsync(GrainId grain)
    {
        var pending = new PendingRead<TResult>(grain);
        _queue.Enqueue(pending);
        return pending.Task;
    }

    public ValueTask DisposeAsync() => _queue.DisposeAsync();
}
