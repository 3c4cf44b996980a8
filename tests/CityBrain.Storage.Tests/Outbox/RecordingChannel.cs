using CityBrain.Testing;

namespace CityBrain.Storage.Tests.Outbox;

/// <summary>A test channel (<c>test</c>): records every attempt with the grains' clock, fails while told to, can hold
/// an attempt until it is cancelled or an ordering key's attempts until released, and lets a test wait for attempts.</summary>
public sealed class RecordingChannel(TimeProvider time) : IOutboxChannel
{
    public const string ChannelName = "test";
    private readonly Signals<Attempt> _attempts = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private int _failures;
    private volatile bool _hang;

    public string Name => ChannelName;

    public IReadOnlyList<Attempt> Attempts => _attempts.Items;

    /// <summary>The next <paramref name="count"/> attempts fail (int.MaxValue: every one).</summary>
    public void FailNext(int count) => Volatile.Write(ref _failures, count);

    /// <summary>While set, an attempt waits until it is cancelled (a delivery in flight when the silo stops).</summary>
    public void Hang(bool hang) => _hang = hang;

    /// <summary>Every attempt on <paramref name="orderingKey"/> waits (a slow receiver, recorded as "held") until the
    /// returned action is called; then it succeeds.</summary>
    public Action Hold(string orderingKey)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _held[orderingKey] = held;
        return () =>
        {
            _held.TryRemove(orderingKey, out _);
            held.TrySetResult();
        };
    }

    public Task WaitAsync(Func<IReadOnlyList<Attempt>, bool> condition) => _attempts.WaitAsync(condition);

    public async Task DeliverAsync(OutboxDelivery delivery, OutboxSubscriberOptions subscriber, CancellationToken cancellationToken)
    {
        var failing = Volatile.Read(ref _failures) > 0;
        if (failing && _failures != int.MaxValue)
        {
            Interlocked.Decrement(ref _failures);
        }

        var held = _held.TryGetValue(delivery.OrderingKey, out var until) ? until : null;
        _attempts.Add(new Attempt(delivery, time.GetUtcNow(), failing ? "failed" : _hang ? "hung" : held is not null ? "held" : "ok"));
        if (held is not null)
        {
            await held.Task.WaitAsync(cancellationToken);
        }

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
