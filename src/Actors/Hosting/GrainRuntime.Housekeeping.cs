using System.Text;
using CityBrain.Actors.Activation;
using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Hosting;

internal sealed partial class GrainRuntime
{
    /// <summary>Runs every housekeeping interval: advances the coarse clock, fails calls past their response
    /// deadline, and now and then deactivates idle activations.</summary>
    private void Housekeep()
    {
        if (Interlocked.Exchange(ref _housekeepingRunning, 1) == 1)
        {
            return;
        }

        try
        {
            var now = TimeProvider.GetUtcNow().UtcTicks;
            Volatile.Write(ref _coarseNowTicks, now);
            FailExpiredCalls(now);
            if (now - _lastCollectionTicks >= Options.CollectionQuantum.Ticks)
            {
                _lastCollectionTicks = now;
                CollectIdle(now - Options.CollectionAge.Ticks);
            }
        }
        finally
        {
            Volatile.Write(ref _housekeepingRunning, 0);
        }
    }

    private void FailExpiredCalls(long now)
    {
        var expired = new List<GrainRequest>();
        foreach (var activation in Catalog.Enumerate())
        {
            if (activation.MayHaveRequests)
            {
                activation.CollectExpired(now, expired);
            }
        }

        // Name the chains before failing anything: failing a call may unwind the chain it belongs to.
        var failures = expired.Select(request => (request, new GrainCallTimeoutException(request.Describe(), request.Timeout, DescribeChain(request)))).ToList();
        foreach (var (request, exception) in failures)
        {
            if (request.TryFail(exception))
            {
                ActorsLog.CallTimedOut(Logger, exception.Message);
            }
        }
    }

    private void CollectIdle(long idleBeforeTicks)
    {
        foreach (var activation in Catalog.Enumerate())
        {
            if (activation.LastActiveTicks < idleBeforeTicks)
            {
                activation.TryCollectIdle(idleBeforeTicks);
            }
        }
    }

    /// <summary>
    /// Names every grain on a call's path: the callers above it (each request remembers the request its caller
    /// was serving) and the calls it is itself waiting on below it. A grain that appears twice marks a cycle.
    /// </summary>
    internal static string DescribeChain(GrainRequest request)
    {
        var path = new List<GrainId>();
        for (var r = request; r is not null && path.Count < 64; r = r.Parent)
        {
            path.Add(r.TargetId);
        }

        path.Reverse();
        for (var r = Volatile.Read(ref request.PendingCall); r is not null && path.Count < 128; r = Volatile.Read(ref r.PendingCall))
        {
            path.Add(r.TargetId);
        }

        var text = new StringBuilder();
        for (var i = 0; i < path.Count; i++)
        {
            if (i > 0)
            {
                text.Append(" -> ");
            }

            text.Append(path[i].ToString());
        }

        var repeated = path.GroupBy(id => id).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            text.Append(" (call cycle: ").Append(repeated.Key.ToString())
                .Append(" is waiting for a call to itself; mark the grain [Reentrant] or the method [AlwaysInterleave], or break the cycle)");
        }

        return text.ToString();
    }

    /// <summary>Deactivates every activation (graceful shutdown) and waits for them, up to the deactivation timeout.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _housekeeping.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var activations = Catalog.Activations.ToList();
        ActorsLog.Stopping(Logger, activations.Count);
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(DeactivationReason.Shutdown);
        }

        await Task.WhenAll(activations.Select(a => a.WhenGoneAsync())).WaitAsync(Options.DeactivationTimeout, TimeProvider, cancellationToken).ConfigureAwait(false);
    }
}
