namespace CityBrain.Grpc.Internal.Client;

/// <summary>
/// The final status of a client call with its trailers; set once. Trailers of a successful call are only
/// converted to <see cref="Metadata"/> if somebody asks for them.
/// </summary>
internal sealed class CallOutcome(Status status, Metadata? trailers, HttpResponseMessage? trailerSource = null)
{
    private Metadata? _trailers = trailers;

    public Status Status { get; } = status;

    public Metadata Trailers => _trailers ??= trailerSource is null ? [] : GrpcResponseHeaders.ReadTrailers(trailerSource);
}
