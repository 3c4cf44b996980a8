using CityBrain.Actors.Hosting;
using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Activation;

internal sealed partial class ActivationData
{
    /// <summary>Creates the grain, loads its state and runs OnActivateAsync, inside the activation's turn.</summary>
    internal async ValueTask<VoidResult> ActivateAsync()
    {
        var grain = _class.Create(_runtime.Services);
        grain.Attach(this);
        using var cancellation = new CancellationTokenSource(_runtime.Options.ActivationTimeout, _runtime.TimeProvider);
        await grain.LoadAsync(cancellation.Token).ConfigureAwait(true);
        await grain.OnActivateAsync(cancellation.Token).ConfigureAwait(true);
        Instance = grain;
        return default;
    }

    /// <summary>Runs OnDeactivateAsync inside the activation's turn. Its failure is logged, never rethrown:
    /// the activation goes away regardless.</summary>
    internal async ValueTask<VoidResult> DeactivateAsync(DeactivationReason reason)
    {
        var grain = Instance;
        if (grain is null || !_class.HasOnDeactivate)
        {
            // Nothing to run: no cancellation source and timer for a hook that does nothing.
            return default;
        }

        try
        {
            using var cancellation = new CancellationTokenSource(_runtime.Options.DeactivationTimeout, _runtime.TimeProvider);
            await grain.OnDeactivateAsync(reason, cancellation.Token).ConfigureAwait(true);
        }
        catch (Exception exception)
        {
            ActorsLog.DeactivationFailed(_runtime.Logger, exception, Id, reason);
        }

        return default;
    }

    /// <summary>Deactivates once no request is running; queued requests go to the next activation.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        bool schedule;
        lock (_lock)
        {
            if (_status is ActivationStatus.Invalid or ActivationStatus.Deactivating)
            {
                return;
            }

            _deactivateWhenIdle = true;
            _deactivationReason = reason;
            if (_status == ActivationStatus.Created)
            {
                // Never activated: nothing to run, just leave.
                _status = ActivationStatus.Invalid;
                _runtime.Catalog.Remove(this);
                _gone?.TrySetResult();
                return;
            }

            if (_status == ActivationStatus.Active && _runningCount == 0)
            {
                BeginDeactivation(reason);
            }

            schedule = ScheduleIfNeeded();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Starts deactivation when nothing has happened here since <paramref name="idleBeforeTicks"/>.</summary>
    public bool TryCollectIdle(long idleBeforeTicks)
    {
        bool schedule;
        lock (_lock)
        {
            if (_status != ActivationStatus.Active || _runningCount != 0 || _incoming.Count != 0
                || _ready.Count != 0 || LastActiveTicks >= idleBeforeTicks)
            {
                return false;
            }

            BeginDeactivation(DeactivationReason.Idle);
            schedule = ScheduleIfNeeded();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Completes when the activation has left the catalog.</summary>
    public Task WhenGoneAsync()
    {
        lock (_lock)
        {
            if (_status == ActivationStatus.Invalid)
            {
                return Task.CompletedTask;
            }

            _gone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _gone.Task;
        }
    }

    /// <summary>Adds the requests (running or waiting) whose response deadline has passed.</summary>
    public void CollectExpired(long nowTicks, List<GrainRequest> expired)
    {
        lock (_lock)
        {
            AddIfExpired(_running, nowTicks, expired);
            if (_runningMore is not null)
            {
                foreach (var request in _runningMore)
                {
                    AddIfExpired(request, nowTicks, expired);
                }
            }

            foreach (var request in _incoming)
            {
                AddIfExpired(request, nowTicks, expired);
            }

            if (_interleaving is not null)
            {
                foreach (var request in _interleaving)
                {
                    AddIfExpired(request, nowTicks, expired);
                }
            }
        }
    }

    private static void AddIfExpired(GrainRequest? request, long nowTicks, List<GrainRequest> expired)
    {
        if (request is not null and not LifecycleRequest && !request.IsCompleted && request.DeadlineTicks <= nowTicks)
        {
            expired.Add(request);
        }
    }

    private void BeginDeactivation(DeactivationReason reason)
    {
        _status = ActivationStatus.Deactivating;
        _deactivateWhenIdle = false;
        _lifecycleToStart = LifecycleRequest.Deactivate(Id, reason);
    }
}
