namespace CityBrain.Grpc;

/// <summary>
/// A call that ended with a non-OK <see cref="Grpc.Status"/>. Thrown by clients when a call fails, and thrown
/// by server handlers and interceptors to end a call with a chosen status and trailers.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception for <paramref name="status"/> with empty trailers.</summary>
    /// <param name="status">The status of the call.</param>
    public RpcException(Status status)
        : this(status, new Metadata())
    {
    }

    /// <summary>Creates an exception for <paramref name="status"/> with the given trailers.</summary>
    /// <param name="status">The status of the call.</param>
    /// <param name="trailers">Trailers sent (server) or received (client) with the status.</param>
    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, null)
    {
    }

    /// <summary>Creates an exception for <paramref name="status"/> with trailers and an inner exception.</summary>
    /// <param name="status">The status of the call.</param>
    /// <param name="trailers">Trailers sent (server) or received (client) with the status.</param>
    /// <param name="innerException">The local cause, if any; it is never sent over the wire.</param>
    public RpcException(Status status, Metadata trailers, Exception? innerException)
        : base(FormatMessage(status), innerException)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        Status = status;
        Trailers = trailers;
    }

    /// <summary>Creates an exception for a status code and detail message.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="detail">The detail message.</param>
    public RpcException(StatusCode statusCode, string detail)
        : this(new Status(statusCode, detail))
    {
    }

    /// <summary>The status of the call.</summary>
    public Status Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The trailers of the call.</summary>
    public Metadata Trailers { get; }

    private static string FormatMessage(Status status) =>
        $"Status(StatusCode=\"{status.StatusCode}\", Detail=\"{status.Detail}\")";
}
