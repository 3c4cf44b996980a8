using System.Collections.Concurrent;
using Orleans.Concurrency;

namespace CityBrain.Storage.Tests.Infrastructure;

/// <summary>A journaled test state (a record: stored as JSON).</summary>
[GenerateSerializer]
public sealed record Tally
{
    [Id(0)]
    public int Total { get; init; }

    [Id(1)]
    public int Count { get; init; }
}

/// <summary>A journaled test event.</summary>
[GenerateSerializer]
public sealed record Added([property: Id(0)] int Amount);

/// <summary>An entry the test grain publishes.</summary>
[GenerateSerializer]
public sealed record Published([property: Id(0)] string Grain, [property: Id(1)] int Total);

public sealed class TallyFold : IJournalFold<Tally, Added>
{
    public Tally Apply(Tally state, Added @event) => state with { Total = state.Total + @event.Amount, Count = state.Count + 1 };
}

/// <summary>Rules changed since <see cref="TallyFold"/> wrote its snapshots: every amount counts twice, and a snapshot
/// of the old rules is refused.</summary>
public sealed class DoublingTallyFold : IJournalFold<Tally, Added>
{
    public Tally Apply(Tally state, Added @event) => state with { Total = state.Total + (2 * @event.Amount), Count = state.Count + 1 };

    public bool IsCurrent(Tally snapshot) => false;
}

public interface ITallyGrain : IGrainWithStringKey
{
    /// <summary>Raises one event per amount, publishes (when a feed is given) and confirms; returns the version.</summary>
    Task<long> Add(int[] amounts, string? feed = null, string? tag = null);

    [ReadOnly]
    Task<Tally> Get();

    [ReadOnly]
    Task<long> Version();

    Task<int[]> Journal(long afterSequence, int maxCount);

    Task Arm(string name, DateTimeOffset dueAt);

    Task Disarm(string name);

    /// <summary>The next <paramref name="count"/> deadline deliveries throw.</summary>
    Task FailDeadlines(int count);

    /// <summary>Raises one event of <paramref name="amount"/> and sends one outbox message per payload to
    /// <paramref name="subscriber"/> under ordering key <paramref name="orderingKey"/>, in one confirmation; returns the
    /// ids the messages were given.</summary>
    Task<string[]> AddAndSend(int amount, string subscriber, string orderingKey, string[] payloads);
}

/// <summary>Records every deadline delivery; lets a test wait for one.</summary>
public sealed class DeadlineLog
{
    private readonly ConcurrentQueue<(string Grain, DeadlineTick Tick)> _fired = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<IReadOnlyCollection<(string Grain, DeadlineTick Tick)>, bool> Condition, TaskCompletionSource Done)> _waits = [];

    private TaskCompletionSource _passage = CompletedPassage();

    public IReadOnlyCollection<(string Grain, DeadlineTick Tick)> Fired => _fired;

    /// <summary>What a receiver that has recorded a delivery awaits before it answers the shard: complete unless a test
    /// holds the answers back (<see cref="HoldAnswers"/>).</summary>
    public Task Passage => Volatile.Read(ref _passage).Task;

    /// <summary>From now on, receivers record their deliveries but answer only once the returned source completes.</summary>
    public TaskCompletionSource HoldAnswers()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _passage, held);
        return held;
    }

    private static TaskCompletionSource CompletedPassage()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }

    public void Record(string grain, DeadlineTick tick)
    {
        _fired.Enqueue((grain, tick));
        lock (_lock)
        {
            foreach (var wait in _waits.Where(w => w.Condition(_fired)).ToList())
            {
                wait.Done.TrySetResult();
                _waits.Remove(wait);
            }
        }
    }

    /// <summary>Completes when the deliveries meet <paramref name="condition"/>; fails after <paramref name="timeout"/> (real time).</summary>
    public Task WaitAsync(Func<IReadOnlyCollection<(string Grain, DeadlineTick Tick)>, bool> condition, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(_fired))
            {
                return Task.CompletedTask;
            }

            _waits.Add((condition, done));
        }

        return done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }
}

[GrainType("tally")]
public sealed class TallyGrain([Journal(SnapshotInterval = 5)] IJournal<Tally, Added> journal, DeadlineLog log) : Grain, ITallyGrain, IDeadlineReceiver
{
    private int _failDeadlines;

    public async Task<long> Add(int[] amounts, string? feed = null, string? tag = null)
    {
        foreach (var amount in amounts)
        {
            journal.Raise(new Added(amount));
        }

        if (feed is not null)
        {
            journal.Publish(feed, new Published(this.GetPrimaryKeyString(), journal.State.Total), tag);
        }

        await journal.ConfirmAsync();
        return journal.Version;
    }

    public Task<Tally> Get() => Task.FromResult(journal.State);

    public Task<long> Version() => Task.FromResult(journal.Version);

    public async Task<int[]> Journal(long afterSequence, int maxCount) =>
        (await journal.ReadAsync(afterSequence, maxCount)).Select(e => e.Event.Amount).ToArray();

    public Task Arm(string name, DateTimeOffset dueAt)
    {
        journal.SetDeadline(name, dueAt);
        return journal.ConfirmAsync();
    }

    public Task Disarm(string name)
    {
        journal.CancelDeadline(name);
        return journal.ConfirmAsync();
    }

    public async Task<string[]> AddAndSend(int amount, string subscriber, string orderingKey, string[] payloads)
    {
        journal.Raise(new Added(amount));
        var ids = new string[payloads.Length];
        for (var i = 0; i < payloads.Length; i++)
        {
            ids[i] = $"{this.GetPrimaryKeyString()}-{journal.Version + 1}-{i}";
            journal.Send(new OutboxMessage(subscriber, orderingKey, payloads[i]) { Id = ids[i] });
        }

        await journal.ConfirmAsync();
        return ids;
    }

    public Task FailDeadlines(int count)
    {
        _failDeadlines = count;
        return Task.CompletedTask;
    }

    /// <summary>Logs the tick; a deadline named <c>record…</c> is first recorded in the journal (as an incident records
    /// its breach), and a delivery that fails for want of the database is logged as <c>unavailable:…</c>.</summary>
    public async Task ReceiveDeadline(DeadlineTick tick)
    {
        if (_failDeadlines > 0)
        {
            _failDeadlines--;
            log.Record(this.GetPrimaryKeyString(), tick with { Name = "failed:" + tick.Name });
            throw new InvalidOperationException("this delivery fails on purpose");
        }

        if (tick.Name.StartsWith("record", StringComparison.Ordinal))
        {
            journal.Raise(new Added(1));
            try
            {
                await journal.ConfirmAsync();
            }
            catch (StorageUnavailableException)
            {
                log.Record(this.GetPrimaryKeyString(), tick with { Name = "unavailable:" + tick.Name });
                throw;
            }
        }

        log.Record(this.GetPrimaryKeyString(), tick);
    }
}

/// <summary>A grain without a journal whose deadlines are written with <see cref="DeadlineWriter"/>.</summary>
public interface IPlainGrain : IGrainWithStringKey
{
    Task Arm(string name, DateTimeOffset dueAt);
}

[GrainType("plain")]
public sealed class PlainGrain(DeadlineWriter deadlines, DeadlineLog log) : Grain, IPlainGrain, IDeadlineReceiver
{
    public Task Arm(string name, DateTimeOffset dueAt) => deadlines.SetAsync(this.GetGrainId(), name, dueAt);

    public Task ReceiveDeadline(DeadlineTick tick)
    {
        log.Record(this.GetPrimaryKeyString(), tick);
        return log.Passage;
    }
}
