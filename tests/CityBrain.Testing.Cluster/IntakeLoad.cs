using System.Collections.Concurrent;
using System.Diagnostics;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using Grpc.Core;

namespace CityBrain.Testing.Cluster;

/// <summary>
/// Steady intake through every live silo of a <see cref="ClusterHarness"/>, the way a careful feed behaves: each
/// event goes to the next silo in turn; a call that fails for a transport or availability reason is sent again —
/// same event, same id, so intake idempotency makes the retry safe — to another live silo, until it is
/// acknowledged. An acknowledgement is a promise: the event is durably stored.
/// </summary>
public sealed class IntakeLoad
{
    private readonly ClusterHarness _cluster;
    private readonly int _workers;
    private readonly Func<long, IntakeEvent> _event;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private readonly Lock _callsLock = new();
    private readonly Dictionary<int, int> _callsTo = [];
    private readonly List<(int Silo, TaskCompletionSource Idle)> _idleWaiters = [];
    private long _next;
    private long _retries;
    private long _lastFailureTicks;
    private long _attemptsAtMost = 1;

    /// <summary>How long one event is retried before it is given up: longer than any fault the tests inject lasts (two
    /// silos killed at once leave the survivor waiting about 30 s until it may declare them dead).</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    public IntakeLoad(ClusterHarness cluster, int workers, Func<long, IntakeEvent> makeEvent)
    {
        _cluster = cluster;
        _workers = workers;
        _event = makeEvent;
    }

    /// <summary>Acknowledged events: source event id to incident id (and the time of the ack).</summary>
    public ConcurrentDictionary<string, (string IncidentId, DateTimeOffset AckedAt)> Acked { get; } = new(StringComparer.Ordinal);

    /// <summary>Events that were never acknowledged (given up after every silo failed repeatedly).</summary>
    public ConcurrentBag<(string EventId, string Error)> GivenUp { get; } = [];

    /// <summary>The failures seen, by gRPC status (transport failures count as Unavailable).</summary>
    public ConcurrentDictionary<StatusCode, long> Failures { get; } = new();

    /// <summary>One failure message per status, for the test's report.</summary>
    public ConcurrentDictionary<StatusCode, string> FailureExamples { get; } = new();

    /// <summary>Calls that failed and were sent again.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>When the latest failed call (one that was sent again) ended; null while none failed.</summary>
    public DateTimeOffset? LastFailureAt => Interlocked.Read(ref _lastFailureTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>The most attempts one event needed.</summary>
    public long MostAttempts => Interlocked.Read(ref _attemptsAtMost);

    /// <summary>Raised for every acknowledgement (from worker threads).</summary>
    public event Action<long>? AckCounted;

    /// <summary>A plain event: a piece of exposed rubbish (category 11.01) in one of the demo city's grids.</summary>
    public static IntakeEvent SimpleEvent(long sequence) => new()
    {
        Source = ClusterHarness.LoadSource,
        SourceEventId = $"load-{sequence:D8}",
        CategoryCode = "11.01",
        Severity = Severity.Normal,
        Location = new Location { GridId = $"g{sequence % 170 + 1:D3}" },
        Description = "暴露垃圾 (cluster load)",
    };

    public void Start()
    {
        for (var w = 0; w < _workers; w++)
        {
            _running.Add(Task.Run(WorkAsync));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    private async Task WorkAsync()
    {
        var headers = new Metadata { { "authorization", "Bearer " + _cluster.FeedToken } };
        while (!_stop.IsCancellationRequested)
        {
            var sequence = Interlocked.Increment(ref _next);
            var intake = _event(sequence);
            var attempts = 0;
            var started = Stopwatch.GetTimestamp();
            string? lastError = null;
            while (true)
            {
                var live = _cluster.LiveIndexes.ToArray();
                if (live.Length == 0 || Stopwatch.GetElapsedTime(started) > GiveUpAfter)
                {
                    GivenUp.Add((intake.SourceEventId, lastError ?? "no live silo"));
                    break;
                }

                var silo = live[(int)((sequence + attempts) % live.Length)];
                if (!TryStartCall(silo))
                {
                    continue; // taken out of the load since the snapshot: no call was made, pick again
                }

                attempts++;
                try
                {
                    var ack = await _cluster.Intake(silo).SubmitAsync(new SubmitRequest { Event = intake }, headers, DateTime.UtcNow.AddSeconds(15));
                    Acked[intake.SourceEventId] = (ack.IncidentId, DateTimeOffset.UtcNow);
                    var most = Interlocked.Read(ref _attemptsAtMost);
                    while (attempts > most && Interlocked.CompareExchange(ref _attemptsAtMost, attempts, most) != most)
                    {
                        most = Interlocked.Read(ref _attemptsAtMost);
                    }

                    AckCounted?.Invoke(Acked.Count);
                    break;
                }
                catch (RpcException refused) when (!IsRetryable(refused))
                {
                    // A status the client may not retry: the event is lost to this client. Counted, and named.
                    Failures.AddOrUpdate(refused.StatusCode, 1, (_, n) => n + 1);
                    FailureExamples.TryAdd(refused.StatusCode, refused.Message);
                    GivenUp.Add((intake.SourceEventId, $"{refused.StatusCode}: {refused.Status.Detail}"));
                    break;
                }
                catch (Exception exception) when (IsRetryable(exception))
                {
                    lastError = exception.Message;
                    var code = exception is RpcException rpc ? rpc.StatusCode : StatusCode.Unavailable;
                    Failures.AddOrUpdate(code, 1, (_, n) => n + 1);
                    FailureExamples.TryAdd(code, exception.Message);
                    Interlocked.Increment(ref _retries);
                    Interlocked.Exchange(ref _lastFailureTicks, DateTimeOffset.UtcNow.UtcTicks);
                    if (_stop.IsCancellationRequested)
                    {
                        return; // stopping: an unacknowledged event is simply not promised
                    }

                    // Back off a little so a dying silo is not hammered; the next attempt goes to another silo.
                    await Task.Delay(Math.Min(50 * attempts, 500));
                }
                finally
                {
                    EndCall(silo);
                }
            }
        }
    }

    /// <summary>Completes once no call of this load is on its way to silo <paramref name="silo"/> (and the harness has
    /// taken it out of the load, so no new one starts): the moment an orchestrator may signal it.</summary>
    public Task WhenNoCallsToAsync(int silo)
    {
        lock (_callsLock)
        {
            if (_callsTo.GetValueOrDefault(silo) == 0)
            {
                return Task.CompletedTask;
            }

            var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add((silo, idle));
            return idle.Task;
        }
    }

    /// <summary>Counts a call to <paramref name="silo"/>, unless the harness no longer lists it as live.</summary>
    private bool TryStartCall(int silo)
    {
        lock (_callsLock)
        {
            if (!_cluster.LiveIndexes.Contains(silo))
            {
                return false;
            }

            _callsTo[silo] = _callsTo.GetValueOrDefault(silo) + 1;
            return true;
        }
    }

    private void EndCall(int silo)
    {
        lock (_callsLock)
        {
            var left = _callsTo[silo] - 1;
            _callsTo[silo] = left;
            if (left == 0)
            {
                foreach (var waiter in _idleWaiters.Where(w => w.Silo == silo).ToList())
                {
                    waiter.Idle.TrySetResult();
                    _idleWaiters.Remove(waiter);
                }
            }
        }
    }

    /// <summary>What the Gateway README tells a client to retry: UNAVAILABLE and ABORTED (nothing was written, or
    /// the silo could not serve), DEADLINE_EXCEEDED (for Submit, idempotent by source and event id; for a dispatch
    /// action, after reading the incident), and a connection that failed under the call. Any other status ends the event
    /// as given up (the cluster tests expect none). The benchmarks' loads retry by the same rule.</summary>
    public static bool IsRetryable(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.Aborted or StatusCode.DeadlineExceeded
            || IsDisposedUnderTheCall(rpc),
        HttpRequestException or IOException or InvalidOperationException or ObjectDisposedException => true,
        _ => false,
    };

    /// <summary>The harness disposes the channel of a silo it killed while calls are on it; Grpc.Net.Client ends those
    /// calls as CANCELLED "gRPC call disposed" on the client side — a connection lost under the call, not a status
    /// any server sent.</summary>
    private static bool IsDisposedUnderTheCall(RpcException rpc) =>
        rpc.StatusCode == StatusCode.Cancelled && rpc.Status.Detail.Contains("disposed", StringComparison.Ordinal);

    /// <summary>A stopwatch-style clock for figures.</summary>
    public static long Now() => Stopwatch.GetTimestamp();
}
