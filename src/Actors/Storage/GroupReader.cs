using System.Threading.Channels;

namespace CityBrain.Actors.Storage;

/// <summary>
/// Group reads: like <see cref="GroupCommitWriter"/> for loads. Activations that load at the same time wait in
/// one queue; each of a few reader loops takes everything queued (up to a limit) and loads it with one query,
/// so a burst of new activations costs one round trip per batch rather than one per grain.
/// </summary>
internal sealed class GroupReader<TResult> : IAsyncDisposable
{
    private readonly Channel<PendingRead<TResult>> _queue = Channel.CreateUnbounded<PendingRead<TResult>>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Func<List<PendingRead<TResult>>, Task> _readBatch;
    private readonly int _maxBatch;
    private readonly Task[] _loops;

    public GroupReader(int loops, int maxBatch, Func<List<PendingRead<TResult>>, Task> readBatch)
    {
        _readBatch = readBatch;
        _maxBatch = maxBatch;
        _loops = new Task[loops];
        for (var i = 0; i < loops; i++)
        {
            _loops[i] = Task.Run(RunAsync);
        }
    }

    public Task<TResult> ReadAsync(GrainId grain)
    {
        var pending = new PendingRead<TResult>(grain);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupReader<TResult>), "Grain storage is shut down.");
        }

        return pending.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingRead<TResult>>(_maxBatch);
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
                await _readBatch(batch).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
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
