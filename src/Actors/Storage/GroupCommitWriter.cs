using System.Threading.Channels;

namespace CityBrain.Actors.Storage;

/// <summary>
/// Group commit: writes from many grains wait in one queue; each of a few writer loops takes everything queued
/// (up to a batch limit) and commits it in one transaction, so one round trip and one fsync serve many writes.
/// A write's task completes only after its transaction committed.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Func<List<PendingCommit>, Task> _commitBatch;
    private readonly int _maxBatch;
    private readonly Task[] _loops;

    public GroupCommitWriter(int loops, int maxBatch, Func<List<PendingCommit>, Task> commitBatch)
    {
        _commitBatch = commitBatch;
        _maxBatch = maxBatch;
        _loops = new Task[loops];
        for (var i = 0; i < loops; i++)
        {
            _loops[i] = Task.Run(RunAsync);
        }
    }

    /// <summary>Number of writes waiting for a batch.</summary>
    public int Queued => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    public Task<bool> CommitAsync(WriteGroup group)
    {
        var pending = new PendingCommit(group);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommitWriter), "Grain storage is shut down; the write was not made.");
        }

        return pending.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingCommit>(_maxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await _commitBatch(batch).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // The batch executor answers every write itself; this only guards the loop.
                foreach (var pending in batch)
                {
                    pending.TrySetException(exception);
                }
            }

            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }
}
