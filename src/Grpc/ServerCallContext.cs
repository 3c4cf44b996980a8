using Microsoft.AspNetCore.Http;

namespace CityBrain.Grpc;

/// <summary>
/// The server side of one call, handed to handlers and interceptors: who called what, the request headers,
/// the deadline and cancellation, and the response headers, trailers and status.
/// </summary>
public abstract class ServerCallContext
{
    /// <summary>For implementations; the server creates the contexts of real calls.</summary>
    protected ServerCallContext()
    {
    }

    /// <summary>The full method name, for example <c>/citybrain.v1.Intake/Report</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The description of the method being called.</summary>
    public abstract IMethod MethodDescriptor { get; }

    /// <summary>The authority the client addressed (the <c>:authority</c> pseudo-header).</summary>
    public abstract string Host { get; }

    /// <summary>The remote address, for example <c>ipv4:127.0.0.1:50123</c> or <c>ipv6:[::1]:50123</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>The deadline of the call in UTC, from <c>grpc-timeout</c>; <see cref="DateTime.MaxValue"/> if none.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>The custom request headers (protocol headers such as <c>grpc-timeout</c> excluded).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Trailers sent with the status at the end of the call.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status sent when the handler returns normally; OK by default.</summary>
    public abstract Status Status { get; set; }

    /// <summary>Options for response writes that do not pass their own; null means <see cref="Grpc.WriteOptions.Default"/>.</summary>
    public abstract WriteOptions? WriteOptions { get; set; }

    /// <summary>
    /// The encoding of response messages: <c>gzip</c> or null (none). Starts from
    /// <see cref="GrpcServerOptions.ResponseCompressionAlgorithm"/>; honoured only if the client accepts it, and
    /// only when set before the first response message.
    /// </summary>
    public abstract string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>Fires when the client cancels or disconnects, or the deadline expires.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The underlying HTTP context: user, connection and TLS details, request services.</summary>
    public abstract HttpContext HttpContext { get; }

    /// <summary>Sends the response headers now. Allowed once, before the first response message.</summary>
    /// <param name="responseHeaders">The custom headers to send.</param>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
