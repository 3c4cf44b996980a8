using CityBrain.Actors.Activation;
using CityBrain.Actors.Cluster;
using CityBrain.Actors.Invocation;

namespace CityBrain.Actors.Hosting;

/// <summary>
/// The runtime in a cluster: each grain lives on the silo that owns it on the ring of the current view; calls for
/// grains owned elsewhere are forwarded over <see cref="ISiloTransport"/>, and a call that meets a view change or an
/// unreachable silo is sent again to the owner in the newest view, a bounded number of times.
/// </summary>
internal sealed partial class GrainRuntime : IClusterViewListener, IGrainCallReceiver
{
    private ClusterView? _view;
    private volatile bool _fenced;
    private volatile bool _leaving;
    private readonly Lock _leaveLock = new();
    private Task? _leave;

    /// <summary>Null for a single silo.</summary>
    public MembershipService? Membership { get; set; }

    public ISiloTransport? Transport { get; set; }

    public Action? OnDeclaredDeadAction { get; set; }

    int IClusterViewListener.ActivationCount => Catalog.Count;

    /// <summary>Where a request for a clustered grain goes: true when it must be forwarded to <paramref name="owner"/>.</summary>
    private bool IsRemote(GrainId id, out SiloInfo? owner)
    {
        owner = null;
        var view = Volatile.Read(ref _view);
        if (view is null)
        {
            return false;
        }

        if (view.Ring.IsEmpty)
        {
            return false;
        }

        owner = view.Ring.Owner(id);
        return owner.Id != view.SelfId;
    }

    private bool RefusesLocalWork => _fenced || _leaving;

    private async Task ForwardAsync(GrainRequest request, SiloInfo owner)
    {
        var writer = new ArgumentWriter();
        request.WriteArguments(writer);
        var chain = new List<string>();
        for (var r = request.Parent; r is not null; r = r.Parent)
        {
            chain.Add(r.TargetId.ToString());
        }

        chain.Reverse();
        var started = TimeProvider.GetTimestamp();
        Exception? lastError = null;
        for (var attempt = 1; attempt <= Options.Cluster.MaxForwardAttempts; attempt++)
        {
            var left = request.Timeout - TimeProvider.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                request.TryFail(new GrainCallTimeoutException(request.Describe(), request.Timeout, string.Join(" -> ", chain.Append(request.TargetId.ToString())) + " (forwarded to " + owner.Id + ")"));
                return;
            }

            var call = new RemoteCall(request.TargetId.Type, request.TargetId.Key, request.Method.InterfaceName, request.Method.Id, writer.Values, chain, left, attempt - 1);
            RemoteCallResult result;
            try
            {
                using var timeout = new CancellationTokenSource(left, TimeProvider);
                result = await Transport!.InvokeAsync(owner.Address, call, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                lastError = exception;
                ClusterLog.ForwardFailed(Logger, request.TargetId, owner.Id, attempt, exception.Message);
                result = new RemoteCallResult(RemoteCallStatus.NotOwner);
            }

            switch (result.Status)
            {
                case RemoteCallStatus.Ok:
                    request.CompleteRemote(result.Value);
                    return;
                case RemoteCallStatus.Error:
                    request.TryFail(RemoteErrors.Rebuild(result.Error!));
                    return;
            }

            // Not the owner (views differ) or unreachable: wait a little for the newer view, then aim again.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * attempt * attempt, 1000)), TimeProvider).ConfigureAwait(false);
            if (!IsRemote(request.TargetId, out var newOwner))
            {
                DeliverHere(request, reference: null);
                return;
            }

            owner = newOwner!;
        }

        request.TryFail(new SiloUnavailableException(
            $"{request.Describe()} could not be delivered: its owner {owner.Id} did not answer after {Options.Cluster.MaxForwardAttempts} attempts.", lastError));
    }

    public async Task<RemoteCallResult> ReceiveAsync(RemoteCall call, CancellationToken cancellationToken)
    {
        var id = new GrainId(call.GrainType, call.GrainKey);
        var viewVersion = Volatile.Read(ref _view)?.Version ?? 0;
        if (RefusesLocalWork || IsRemote(id, out _))
        {
            return new RemoteCallResult(RemoteCallStatus.NotOwner, ViewVersion: viewVersion);
        }

        GrainRequest request;
        try
        {
            request = Registry.GetReferenceFactory(call.Interface)
                .CreateRequest(call.MethodId, new ArgumentReader(call.Arguments, $"{id}.{call.Interface}#{call.MethodId}"));
        }
        catch (Exception exception)
        {
            return new RemoteCallResult(RemoteCallStatus.Error, Error: RemoteErrors.Describe(exception));
        }

        request.TargetId = id;
        request.RemoteChain = call.CallChain.Select(GrainId.Parse).ToList();
        request.Timeout = call.Timeout;
        request.DeadlineTicks = CoarseNowTicks + call.Timeout.Ticks;
        DeliverHere(request, reference: null);
        try
        {
            var value = await request.GetEncodedResultAsync().ConfigureAwait(false);
            return new RemoteCallResult(RemoteCallStatus.Ok, value, ViewVersion: viewVersion);
        }
        catch (SiloUnavailableException) when (RefusesLocalWork)
        {
            return new RemoteCallResult(RemoteCallStatus.NotOwner, ViewVersion: viewVersion);
        }
        catch (Exception exception)
        {
            return new RemoteCallResult(RemoteCallStatus.Error, Error: RemoteErrors.Describe(exception), ViewVersion: viewVersion);
        }
    }

    public async Task OnViewChangedAsync(ClusterView view, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _view, view);
        var moved = 0;
        foreach (var activation in Catalog.Activations)
        {
            if (!view.IsOwnedHere(activation.Id))
            {
                activation.RequestDeactivation(DeactivationReason.Rebalanced);
                moved++;
            }
        }

        var forgotten = Timers.Forget(grain => !view.IsOwnedHere(grain));
        var loaded = await Timers.LoadAsync(view.IsOwnedHere, cancellationToken).ConfigureAwait(false);
        ClusterLog.Rebalanced(Logger, view.Version, moved, forgotten, loaded);
    }

    public void OnFencingChanged(bool fenced)
    {
        _fenced = fenced;
        if (fenced)
        {
            foreach (var activation in Catalog.Activations)
            {
                activation.RequestDeactivation(DeactivationReason.Rebalanced);
            }

            Timers.Forget(_ => true);
        }
        else if (Volatile.Read(ref _view) is { } view)
        {
            _ = Timers.LoadAsync(view.IsOwnedHere, CancellationToken.None);
        }
    }

    public void OnDeclaredDead() => (OnDeclaredDeadAction ?? (() => Environment.Exit(75)))();

    /// <summary>Graceful leave, first half: off the ring, so new calls go to the other silos.</summary>
    public Task BeginLeaveAsync(CancellationToken cancellationToken)
    {
        lock (_leaveLock)
        {
            return _leave ??= LeaveAsync(cancellationToken);
        }
    }

    private async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (Membership is { } membership)
        {
            await membership.LeaveAsync(cancellationToken).ConfigureAwait(false);
            _leaving = true;
        }
    }
}
