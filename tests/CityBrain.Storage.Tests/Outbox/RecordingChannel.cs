namespace CityBrain.Storage.Tests.Outbox;

/// <summary>A test channel (<c>test</c>): records every attempt with the grains' clock, fails while told to, can hold
/// an attempt until it is cancelled, and lets a test wait for attempts.</summary>
public sealed class RecordingChannel(TimeProvider time) : IOutboxChannel
{
    public const string ChannelName = "test";
    private readonly Signals<Attempt> _attempts = new();
    private int _failures;
    private volatile bool _hang;

    public string Name => ChannelName;

    public IReadOnlyList<Attempt> Attempts => _attempts.Items;

    /// <summary>The next <paramref name="count"/> attempts fail (int.MaxValue: every one).</summary>
    public void FailNext(int count) => Volatile.Write(ref _failures, count);

    /// <summary>While set, an attempt waits until it is cancelled (a delivery in flight when the silo stops).</summary>
    public void Hang(bool hang) => _hang = hang;

    public Task WaitAsync(Func<IReadOnlyList<Attempt>, bool> condition) => _attempts.WaitAsync(condition);

    public async Task DeliverAsync(OutboxDelivery delivery, OutboxSubscriberOptions subscriber, CancellationToken cancellationToken)
    {
        var failing = Volatile.Read(ref _failures) > 0;
        if (failing && _failures != int.MaxValue)
        {
            Interlocked.Decrement(ref _failures);
        }

        _attempts.Add(new Attempt(delivery, time.GetUtcNow(), failing ? "failed" : _hang ? "hung" : "ok"));
        if (_hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (failing)
        {
            throw new InvalidOperationException("the receiver fails on purpose");
        }
    }

    public sealed record Attempt(OutboxDelivery Delivery, DateTimeOffset At, string Outcome);
}

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
