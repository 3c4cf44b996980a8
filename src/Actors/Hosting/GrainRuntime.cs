using System.Collections.Concurrent;
using CityBrain.Actors.Activation;
using CityBrain.Actors.Diagnostics;
using CityBrain.Actors.Invocation;
using CityBrain.Actors.Storage;
using CityBrain.Actors.Timers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityBrain.Actors.Hosting;

/// <summary>
/// The runtime of one silo: it resolves grain references, delivers requests to activations (creating them on
/// first use), keeps a coarse clock for response timeouts, and collects idle activations.
/// </summary>
internal sealed partial class GrainRuntime : GrainCallInvoker, IGrainFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<Type, (GrainClassInfo Class, IGrainReferenceFactory Factory)> _interfaces = new();
    private readonly ITimer _housekeeping;
    private long _coarseNowTicks;
    private long _lastCollectionTicks;
    private int _housekeepingRunning;

    public GrainRuntime(
        IServiceProvider services,
        IOptions<ActorRuntimeOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        GrainTypeRegistry registry,
        IGrainStorage storage,
        ActorsMetrics metrics)
    {
        Services = services;
        Options = options.Value;
        TimeProvider = timeProvider;
        Logger = loggerFactory.CreateLogger("CityBrain.Actors");
        Registry = registry;
        Storage = storage;
        Metrics = metrics;
        _coarseNowTicks = timeProvider.GetUtcNow().UtcTicks;
        _lastCollectionTicks = _coarseNowTicks;
        Catalog = new Catalog(this);
        Timers = new TimerScheduler(timeProvider, storage, metrics, Logger, Options.Timers, CanonicalTypeName, DeliverTimerAsync);
        metrics.ObserveQueueLength(() => Catalog.Enumerate().Sum(a => (long)a.QueueLength));
        _housekeeping = timeProvider.CreateTimer(static state => ((GrainRuntime)state!).Housekeep(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public IServiceProvider Services { get; }

    public ActorRuntimeOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public GrainTypeRegistry Registry { get; }

    public IGrainStorage Storage { get; }

    public ActorsMetrics Metrics { get; }

    public Catalog Catalog { get; }

    public TimerScheduler Timers { get; }

    public IGrainFactory GrainFactory => this;

    /// <summary>The clock as of the last housekeeping tick (UTC ticks): cheap to read on every call.</summary>
    public long CoarseNowTicks => Volatile.Read(ref _coarseNowTicks);

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrain
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"A grain key must be a non-empty string (calling GetGrain<{typeof(TGrainInterface).Name}>).", nameof(key));
        }

        var (grainClass, factory) = _interfaces.GetOrAdd(typeof(TGrainInterface), static (type, registry) =>
            (registry.GetByInterface(type), registry.GetReferenceFactory(type)), Registry);
        return (TGrainInterface)(object)factory.Create(this, new GrainId(grainClass.TypeName, key));
    }

    internal override void Send(GrainReference reference, GrainRequest request)
    {
        var caller = ActivationScope.Current?.CurrentRequest;
        if (caller is not null)
        {
            request.Parent = caller;
            Volatile.Write(ref caller.PendingCall, request);
        }

        request.TargetId = reference.GrainId;
        var timeout = request.Method.Timeout ?? Options.ResponseTimeout;
        request.Timeout = timeout;
        request.DeadlineTicks = CoarseNowTicks + timeout.Ticks;
        if (Metrics.MeasureCallDuration)
        {
            request.StartTimestamp = Metrics.Timestamp();
        }

        Deliver(request, reference);
    }

    /// <summary>Hands a request that was queued at a deactivated activation to the grain's next activation.</summary>
    public void Redeliver(GrainRequest request)
    {
        if (!request.IsCompleted)
        {
            Deliver(request, reference: null);
        }
    }

    private void Deliver(GrainRequest request, GrainReference? reference)
    {
        if (Volatile.Read(ref _view) is not null)
        {
            if (IsRemote(request.TargetId, out var owner))
            {
                _ = ForwardAsync(request, owner!);
                return;
            }

            if (RefusesLocalWork)
            {
                request.TryFail(new SiloUnavailableException($"{request.Describe()} was refused: silo {Membership?.SiloId} is {(_leaving ? "leaving the cluster" : "fenced (its membership lease lapsed)")}. Retry on another silo."));
                return;
            }
        }

        DeliverHere(request, reference);
    }

    /// <summary>Delivers to the local activation, creating it if needed.</summary>
    private void DeliverHere(GrainRequest request, GrainReference? reference)
    {
        var id = request.TargetId;
        while (true)
        {
            if (reference?.CachedTarget is not ActivationData target)
            {
                if (!Registry.TryGetByTypeName(id.Type, out var grainClass))
                {
                    request.TryFail(new ArgumentException($"Unknown grain type '{id.Type}' for {id}."));
                    return;
                }

                target = Catalog.GetOrCreate(id, grainClass);
                if (reference is not null)
                {
                    reference.CachedTarget = target;
                }
            }

            if (target.Enqueue(request))
            {
                return;
            }

            // That activation has gone (it removes itself from the catalog before refusing): look again.
            if (reference is not null)
            {
                reference.CachedTarget = null;
            }

            Catalog.Remove(target);
        }
    }

    /// <summary>Delivers a reminder tick or due deadline to its grain.</summary>
    private Task DeliverTimerAsync(GrainId grain, string name, TimerTick tick)
    {
        if (!Registry.TryGetByTypeName(grain.Type, out var grainClass) || !grainClass.IsRemindable)
        {
            ActorsLog.TimerUndeliverable(Logger, grain, name);
            return Task.CompletedTask;
        }

        var request = new ReminderRequest(name, tick)
        {
            TargetId = grain,
            Timeout = Options.ResponseTimeout,
            DeadlineTicks = CoarseNowTicks + Options.ResponseTimeout.Ticks,
        };
        Deliver(request, reference: null);
        return request.AsValueTask().AsTask();
    }

    private string CanonicalTypeName(string typeName) =>
        Registry.TryGetByTypeName(typeName, out var grainClass) ? grainClass.TypeName : typeName;

    /// <summary>True once the runtime has started (storage ready, timers loaded).</summary>
    public bool IsStarted { get; private set; }

    public void StartHousekeeping()
    {
        _housekeeping.Change(Options.HousekeepingInterval, Options.HousekeepingInterval);
        IsStarted = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _housekeeping.DisposeAsync().ConfigureAwait(false);
        await Timers.DisposeAsync().ConfigureAwait(false);
    }
}
