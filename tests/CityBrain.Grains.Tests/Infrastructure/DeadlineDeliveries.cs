using CityBrain.Storage;

namespace CityBrain.Grains.Tests.Infrastructure;

/// <summary>Counts the deadline deliveries grains have handled (an incoming call filter on the test silo) and lets a test
/// wait for one: the explicit signal that a deadline fired even when it recorded nothing.</summary>
public sealed class DeadlineDeliveries : IIncomingGrainCallFilter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _handled = [];
    private readonly List<(string Key, int Count, TaskCompletionSource Done)> _waiters = [];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.MethodName != nameof(IDeadlineReceiver.ReceiveDeadline))
        {
            return;
        }

        var key = context.TargetId.Key.ToString()!;
        var done = new List<TaskCompletionSource>();
        lock (_lock)
        {
            var count = _handled[key] = _handled.GetValueOrDefault(key) + 1;
            foreach (var waiter in _waiters.Where(w => w.Key == key && w.Count <= count).ToList())
            {
                _waiters.Remove(waiter);
                done.Add(waiter.Done);
            }
        }

        foreach (var tcs in done)
        {
            tcs.TrySetResult();
        }
    }

    /// <summary>How many deliveries the grain with this key has handled.</summary>
    public int Handled(string key)
    {
        lock (_lock)
        {
            return _handled.GetValueOrDefault(key);
        }
    }

    /// <summary>Completes once the grain with this key has handled <paramref name="count"/> deliveries.</summary>
    public Task WaitAsync(string key, int count, TimeSpan patience)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_handled.GetValueOrDefault(key) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((key, count, tcs));
        }

        return tcs.Task.WaitAsync(patience);
    }
}
