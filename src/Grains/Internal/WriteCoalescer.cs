namespace CityBrain.Grains.Internal;

/// <summary>
/// Group commit inside one reentrant grain: requests queue their change and wait; one commit at a time takes
/// everything queued so far, so a busy grain (a department, an index shard) makes one journal append per round
/// trip instead of one per request. Every waiter completes only after the commit holding its change is durable.
/// Runs on the grain's turn (no threads of its own). After a failed commit the grain is being deactivated by
/// the runtime, so every waiting and later request fails with the same error and the caller retries.
/// </summary>
internal sealed class WriteCoalescer(Func<Task> commit)
{
    private List<TaskCompletionSource> _waiting = [];
    private bool _running;
    private Exception? _failure;

    /// <summary>Call after queueing a change; completes when it is durable.</summary>
    public Task Submit()
    {
        if (_failure is not null)
        {
            return Task.FromException(_failure);
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add(waiter);
        if (!_running)
        {
            _running = true;
            _ = RunAsync();
        }

        return waiter.Task;
    }

    private async Task RunAsync()
    {
        try
        {
            while (_waiting.Count > 0)
            {
                var batch = _waiting;
                _waiting = [];
                try
                {
                    await commit();
                }
                catch (Exception exception)
                {
                    _failure = exception;
                    foreach (var waiter in batch.Concat(_waiting))
                    {
                        waiter.TrySetException(exception);
                    }

                    _waiting = [];
                    return;
                }

                foreach (var waiter in batch)
                {
                    waiter.TrySetResult();
                }
            }
        }
        finally
        {
            _running = false;
        }
    }
}
