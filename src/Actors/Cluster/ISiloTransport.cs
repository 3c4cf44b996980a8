namespace CityBrain.Actors;

/// <summary>Carries forwarded grain calls to another silo (the silo host implements it over gRPC).</summary>
public interface ISiloTransport
{
    /// <summary>Sends the call to the silo at <paramref name="siloAddress"/> and returns its answer. Throws when the
    /// silo cannot be reached; the runtime then retries against the owner in its newest view.</summary>
    Task<RemoteCallResult> InvokeAsync(string siloAddress, RemoteCall call, CancellationToken cancellationToken);
}
