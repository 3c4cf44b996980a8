namespace CityBrain.Actors;

/// <summary>Receives grain calls forwarded by other silos (the silo host's endpoint calls it).</summary>
public interface IGrainCallReceiver
{
    /// <summary>Runs the call on the local activation if this silo owns the grain, else answers
    /// <see cref="RemoteCallStatus.NotOwner"/>.</summary>
    Task<RemoteCallResult> ReceiveAsync(RemoteCall call, CancellationToken cancellationToken);
}
