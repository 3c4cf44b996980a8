namespace CityBrain.Gateway;

/// <summary>
/// Whether the host can serve the API now. Until it can (starting, stopping, not an active member of the cluster, no
/// city loaded), every API call answers UNAVAILABLE with the reason, which a client's retry policy retries — against
/// another silo, or this one shortly — instead of a status that tells it to give up. The silo implements it; without
/// one the API is always served.
/// </summary>
public interface IApiReadiness
{
    /// <summary>Why the API cannot be served now (for the caller and the log), or null when it can.</summary>
    string? NotReadyReason();
}
