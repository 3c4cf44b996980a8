namespace CityBrain.Actors;

/// <summary>One row of the membership table.</summary>
/// <param name="Id">Unique per process incarnation: <c>address@generation</c>.</param>
/// <param name="Address">Silo-to-silo endpoint URL.</param>
/// <param name="GrpcUrl">Public gRPC URL.</param>
/// <param name="HttpUrl">HTTP URL (health, readiness).</param>
/// <param name="Generation">Start time in Unix milliseconds; a restarted silo has a new one.</param>
/// <param name="Status">Membership status.</param>
/// <param name="StartedAt">When it joined.</param>
/// <param name="HeartbeatAt">Its last lease renewal (database clock).</param>
/// <param name="Activations">Live activations at its last heartbeat.</param>
public sealed record SiloInfo(
    string Id,
    string Address,
    string GrpcUrl,
    string HttpUrl,
    long Generation,
    SiloStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    int Activations);
