namespace CityBrain.Grpc.Internal.Client;

/// <summary>The final status of a client call with its trailers; set once.</summary>
internal sealed class CallOutcome(Status status, Metadata trailers)
{
    public Status Status { get; } = status;

    public Metadata Trailers { get; } = trailers;
}
