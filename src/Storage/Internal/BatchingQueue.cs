using System.Threading.Channels;

namespace CityBrain.Storage.Internal;

/// <summary>
/// The loop behind group commit and group reads: items wait in one queue; each of a few loops takes everything queued
/// (up to a limit) and hands it to <c>process</c> as one batch. The processor answers every item; if it throws, every
/// item of the batch fails with that exception.
/// </summary>
internal sealed class BatchingQueue<TItem> : IAsyncDisposable
{
    private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Func<List<TItem>, Task> _process;
    private readonly Action<TItem, Exception> _fail;
    private readonly int _maxBatch;
    private readonly Task[] _loops;

    public BatchingQueue(int loops, int maxBatch, Func<List<TItem>, Task> process, Action<TItem, Exception> fail)
    {
        _process = process;
        _fail = fail;
        _maxBatch = maxBatch;
        _loops = new Task[loops];
        for (var i = 0; i < loops; i++)
        {
            _loops[i] = Task.Run(RunAsync);
        }
    }

    /// <summary>Items waiting for a batch.</summary>
    public int Queued => _queue.Reader.CanCount ? _queue.Reader.Count : 0;

    /// <summary>Queues an item; throws once the queue is shut down.</summary>
    public void Enqueue(TItem item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            throw new StorageUnavailableException("The journal store is shut down (the silo is stopping); nothing was written.");
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<TItem>(_maxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await _process(batch).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                foreach (var item in batch)
                {
                    _fail(item, exception);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>Stops taking items and waits until everything queued has been processed.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }
}
