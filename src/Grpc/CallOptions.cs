namespace CityBrain.Grpc;

/// <summary>Per-call options of a client call.</summary>
public readonly struct CallOptions
{
    /// <summary>Creates call options.</summary>
    /// <param name="headers">Custom request headers; may include <c>-bin</c> entries.</param>
    /// <param name="deadline">The deadline (UTC). Sent as <c>grpc-timeout</c> and enforced by the client too.</param>
    /// <param name="cancellationToken">Cancels the call (the server sees it cancelled).</param>
    /// <param name="writeOptions">Options for request writes.</param>
    public CallOptions(Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default, WriteOptions? writeOptions = null)
    {
        Headers = headers;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        WriteOptions = writeOptions;
    }

    /// <summary>Custom request headers, or null.</summary>
    public Metadata? Headers { get; }

    /// <summary>The deadline (UTC), or null for none.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Cancels the call.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Options for request writes, or null for the defaults.</summary>
    public WriteOptions? WriteOptions { get; }

    /// <summary>Returns a copy with a different deadline.</summary>
    /// <param name="deadline">The deadline (UTC).</param>
    public CallOptions WithDeadline(DateTime deadline) => new(Headers, deadline, CancellationToken, WriteOptions);

    /// <summary>Returns a copy with different headers.</summary>
    /// <param name="headers">The headers.</param>
    public CallOptions WithHeaders(Metadata headers) => new(headers, Deadline, CancellationToken, WriteOptions);

    /// <summary>Returns a copy with a different cancellation token.</summary>
    /// <param name="cancellationToken">The token.</param>
    public CallOptions WithCancellationToken(CancellationToken cancellationToken) => new(Headers, Deadline, cancellationToken, WriteOptions);
}
