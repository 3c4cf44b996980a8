namespace CityBrain.Storage;

/// <summary>
/// A background loop that runs while this silo is an active member: started once the silo is active
/// (<see cref="ServiceLifecycleStage.Active"/>), and on shutdown cancelled and awaited before anything else stops (so before
/// the silo's grains are deactivated and it leaves the cluster). Register the derived class as a singleton and as an
/// <see cref="ILifecycleParticipant{ISiloLifecycle}"/>.
/// </summary>
public abstract class ActiveSiloLoop : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);
    }

    /// <summary>The loop; it ends when <paramref name="stopping"/> is cancelled.</summary>
    protected abstract Task RunAsync(CancellationToken stopping);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
