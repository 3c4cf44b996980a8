using CityBrain.Actors.Hosting;
using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Activation;

/// <summary>
/// One activation of a grain: its instance, its mailbox and its turn scheduler. Requests wait in FIFO order and
/// are admitted one at a time unless interleaving is allowed, or the grain refuses them on arrival
/// (<see cref="IRefuseWhileBusy"/>); admitted requests and the continuations of grain code run as turns on the
/// thread pool, never two at once, at most a quantum of work items per dispatch.
/// </summary>
internal sealed partial class ActivationData : IThreadPoolWorkItem
{
    private readonly GrainRuntime _runtime;
    private readonly GrainClassInfo _class;
    private readonly Lock _lock = new();
    private readonly Queue<GrainRequest> _incoming = new();
    private readonly Queue<Continuation> _ready = new();
    private readonly ActivationSynchronizationContext _context;
    private Queue<GrainRequest>? _interleaving;
    private GrainRequest? _running;
    private List<GrainRequest>? _runningMore;
    private int _runningCount;
    private int _readOnlyRunning;
    private LifecycleRequest? _lifecycleToStart;
    private bool _scheduled;
    private bool _deactivateWhenIdle;
    private DeactivationReason _deactivationReason;
    private ActivationStatus _status;
    private TaskCompletionSource? _gone;

    public ActivationData(GrainRuntime runtime, GrainClassInfo grainClass, GrainId id)
    {
        _runtime = runtime;
        _class = grainClass;
        Id = id;
        _context = new ActivationSynchronizationContext(this);
        LastActiveTicks = runtime.CoarseNowTicks;
    }

    public GrainId Id { get; }

    public GrainClassInfo Class => _class;

    public GrainRuntime Runtime => _runtime;

    /// <summary>The grain instance, once activated.</summary>
    public Grain? Instance { get; private set; }

    /// <summary>Coarse clock ticks when a request last finished here.</summary>
    public long LastActiveTicks { get; private set; }

    public ActivationStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>A racy, lock-free hint for sweeps: false when nothing was running or queued at the last look.</summary>
    public bool MayHaveRequests => Volatile.Read(ref _runningCount) != 0 || _incoming.Count != 0 || _interleaving is { Count: > 0 };

    /// <summary>Requests waiting to be admitted (for the queue-length metric).</summary>
    public int QueueLength => _incoming.Count + (_interleaving?.Count ?? 0);

    /// <summary>The request whose turn is running, for naming call chains; with interleaving, one of them.</summary>
    public GrainRequest? CurrentRequest => _running;

    /// <summary>Adds a request to the mailbox. Returns false when this activation is gone and the caller must
    /// look the grain up again.</summary>
    public bool Enqueue(GrainRequest request)
    {
        var schedule = false;
        Exception? refusal = null;
        lock (_lock)
        {
            if (_status == ActivationStatus.Invalid)
            {
                return false;
            }

            if (_class.RefusesWhileBusy && _runningCount > 0 && Instance is IRefuseWhileBusy guard)
            {
                refusal = guard.RefuseWhileBusy(request.Method);
            }

            if (refusal is null)
            {
                if (request.Method.AlwaysInterleave)
                {
                    (_interleaving ??= new Queue<GrainRequest>()).Enqueue(request);
                }
                else
                {
                    _incoming.Enqueue(request);
                }

                if (_status == ActivationStatus.Created)
                {
                    _status = ActivationStatus.Activating;
                    _lifecycleToStart = LifecycleRequest.Activate(Id);
                }

                schedule = ScheduleIfNeeded();
            }
        }

        if (refusal is not null)
        {
            request.TryFail(refusal);
        }
        else if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Queues a continuation of grain code (from <see cref="ActivationSynchronizationContext"/>).</summary>
    public void Post(SendOrPostCallback callback, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            _ready.Enqueue(new Continuation(callback, state));
            schedule = ScheduleIfNeeded();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Runs turns until there is nothing admissible or the quantum is used up.</summary>
    public void Execute()
    {
        var options = _runtime.Options;
        var budget = options.MaxWorkItemsPerQuantum;
        var time = _runtime.TimeProvider;
        var started = time.GetTimestamp();
        ActivationScope.Enter(this, _context);
        try
        {
            while (true)
            {
                Continuation continuation = default;
                GrainRequest? request;
                object? target = null;
                lock (_lock)
                {
                    if (_ready.Count > 0)
                    {
                        continuation = _ready.Dequeue();
                        request = null;
                    }
                    else if (_lifecycleToStart is { } lifecycle)
                    {
                        _lifecycleToStart = null;
                        AddRunning(lifecycle);
                        request = lifecycle;
                        target = this;
                    }
                    else if (TryAdmit(out request))
                    {
                        target = Instance;
                    }
                    else
                    {
                        _scheduled = false;
                        return;
                    }
                }

                if (request is not null)
                {
                    request.Activation = this;
                    request.Start(target!);
                }
                else
                {
                    RunContinuation(continuation);
                }

                if (--budget <= 0 || time.GetElapsedTime(started) >= options.TurnQuantum)
                {
                    // Still marked scheduled: yield the thread to other activations and continue later.
                    _runtime.Metrics.QuantumExpired();
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    return;
                }
            }
        }
        finally
        {
            ActivationScope.Exit();
        }
    }

    private void RunContinuation(Continuation continuation)
    {
        try
        {
            continuation.Callback(continuation.State);
        }
        catch (Exception exception)
        {
            // Continuations of async methods capture their own exceptions; anything else is a bug worth a log line.
            ActorsLog.ContinuationFailed(_runtime.Logger, exception, Id);
        }
    }

    /// <summary>Called when a running request (or lifecycle step) ends, on whatever thread it ended.</summary>
    public void OnRequestFinished(GrainRequest request, Exception? error)
    {
        bool schedule;
        List<GrainRequest>? orphans = null;
        var lifecycleEnded = false;
        lock (_lock)
        {
            RemoveRunning(request);
            LastActiveTicks = _runtime.CoarseNowTicks;
            if (request is LifecycleRequest lifecycle)
            {
                lifecycleEnded = true;
                if (lifecycle.IsActivation && error is null)
                {
                    _status = ActivationStatus.Active;
                }
                else
                {
                    // Failed activation, or a finished deactivation: leave the catalog and hand back what is queued.
                    _status = ActivationStatus.Invalid;
                    Instance = null;
                    _runtime.Catalog.Remove(this);
                    orphans = DrainQueued();
                }
            }
            else if (error is StorageConflictException)
            {
                _deactivateWhenIdle = true;
                _deactivationReason = DeactivationReason.StorageConflict;
            }

            if (_deactivateWhenIdle && _runningCount == 0 && _status == ActivationStatus.Active)
            {
                BeginDeactivation(_deactivationReason);
            }

            schedule = ScheduleIfNeeded();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        if (lifecycleEnded)
        {
            OnLifecycleEnded((LifecycleRequest)request, error, orphans);
        }
    }

    private void OnLifecycleEnded(LifecycleRequest lifecycle, Exception? error, List<GrainRequest>? orphans)
    {
        if (lifecycle.IsActivation && error is null)
        {
            _runtime.Metrics.Activated();
            return;
        }

        if (lifecycle.IsActivation)
        {
            ActorsLog.ActivationFailed(_runtime.Logger, error!, Id);
            foreach (var orphan in orphans!)
            {
                orphan.TryFail(error!);
            }
        }
        else
        {
            _runtime.Metrics.Deactivated();
            foreach (var orphan in orphans!)
            {
                _runtime.Redeliver(orphan);
            }
        }

        TaskCompletionSource? gone;
        lock (_lock)
        {
            gone = _gone;
        }

        gone?.TrySetResult();
    }

    private List<GrainRequest> DrainQueued()
    {
        var drained = new List<GrainRequest>(_incoming.Count + (_interleaving?.Count ?? 0));
        while (_incoming.TryDequeue(out var queued))
        {
            drained.Add(queued);
        }

        while (_interleaving is not null && _interleaving.TryDequeue(out var queued))
        {
            drained.Add(queued);
        }

        return drained;
    }

    private bool TryAdmit(out GrainRequest? request)
    {
        request = null;
        if (_status != ActivationStatus.Active || _deactivateWhenIdle)
        {
            return false;
        }

        if (_interleaving is { Count: > 0 })
        {
            request = _interleaving.Dequeue();
            AddRunning(request);
            return true;
        }

        while (_incoming.TryPeek(out var head))
        {
            if (head.IsCompleted)
            {
                // Timed out while it waited: the caller has its answer already.
                _incoming.Dequeue();
                continue;
            }

            if (!CanInterleave(head))
            {
                return false;
            }

            _incoming.Dequeue();
            AddRunning(head);
            request = head;
            return true;
        }

        return false;
    }

    private bool CanInterleave(GrainRequest head) =>
        _runningCount == 0
        || _class.IsReentrant
        || (head.Method.IsReadOnly && _readOnlyRunning == _runningCount);

    /// <summary>Marks the activation scheduled when it has something it can run now; the caller queues it.</summary>
    private bool ScheduleIfNeeded()
    {
        if (_scheduled || !HasRunnableWork())
        {
            return false;
        }

        _scheduled = true;
        return true;
    }

    private bool HasRunnableWork()
    {
        if (_ready.Count > 0 || _lifecycleToStart is not null)
        {
            return true;
        }

        if (_status != ActivationStatus.Active || _deactivateWhenIdle)
        {
            return false;
        }

        if (_interleaving is { Count: > 0 })
        {
            return true;
        }

        return _incoming.TryPeek(out var head) && (head.IsCompleted || CanInterleave(head));
    }

    private void AddRunning(GrainRequest request)
    {
        if (_running is null)
        {
            _running = request;
        }
        else
        {
            (_runningMore ??= []).Add(request);
        }

        _runningCount++;
        if (request.Method.IsReadOnly)
        {
            _readOnlyRunning++;
        }
    }

    private void RemoveRunning(GrainRequest request)
    {
        if (ReferenceEquals(_running, request))
        {
            _running = null;
            if (_runningMore is { Count: > 0 })
            {
                _running = _runningMore[^1];
                _runningMore.RemoveAt(_runningMore.Count - 1);
            }
        }
        else if (_runningMore is null || !_runningMore.Remove(request))
        {
            return;
        }

        _runningCount--;
        if (request.Method.IsReadOnly)
        {
            _readOnlyRunning--;
        }
    }

    private readonly record struct Continuation(SendOrPostCallback Callback, object? State);
}
