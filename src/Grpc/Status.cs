namespace CityBrain.Grpc;

/// <summary>
/// The outcome of a call: a <see cref="Grpc.StatusCode"/> and a human-readable detail message.
/// </summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="Detail">The detail message (sent percent-encoded as <c>grpc-message</c>); never null.</param>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    /// <summary>The status of a successful call.</summary>
    public static readonly Status DefaultSuccess = new(StatusCode.OK, string.Empty);

    /// <summary>The status of a call cancelled by the caller.</summary>
    public static readonly Status DefaultCancelled = new(StatusCode.Cancelled, string.Empty);

    /// <summary>Creates a status with an empty detail message.</summary>
    /// <param name="statusCode">The status code.</param>
    public Status(StatusCode statusCode)
        : this(statusCode, string.Empty)
    {
    }

    /// <summary>The detail message, never null.</summary>
    public string Detail { get; init; } = Detail ?? string.Empty;

    /// <inheritdoc />
    public override string ToString() => $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
