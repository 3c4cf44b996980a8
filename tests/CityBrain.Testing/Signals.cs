namespace CityBrain.Testing;

/// <summary>A growing list that tests wait on (a condition over it), completing the waits as items arrive.</summary>
public sealed class Signals<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];
    private readonly List<(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource Done)> _waits = [];

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_lock)
            {
                return _items.ToArray();
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            _items.Add(item);
            var snapshot = _items.ToArray();
            foreach (var wait in _waits.Where(w => w.Condition(snapshot)).ToList())
            {
                wait.Done.TrySetResult();
                _waits.Remove(wait);
            }
        }
    }

    /// <summary>Completes when the items meet <paramref name="condition"/>; fails after 30 s of real time.</summary>
    public Task WaitAsync(Func<IReadOnlyList<T>, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(_items.ToArray()))
            {
                return Task.CompletedTask;
            }

            _waits.Add((condition, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
