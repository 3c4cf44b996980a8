using System.IO.Compression;

namespace CityBrain.Grpc;

/// <summary>Settings of the gRPC server, validated at start-up.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>
    /// The largest request message accepted, in bytes (after decompression). A larger message ends the call with
    /// RESOURCE_EXHAUSTED. Null means no limit. Default 4 MiB.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest response message sent, in bytes; a larger one ends the call with RESOURCE_EXHAUSTED. Null (default) means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// The encoding of response messages when the client accepts it: <c>gzip</c>, or null (default) for none.
    /// Handlers may change it per call with <see cref="ServerCallContext.ResponseCompressionAlgorithm"/>.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>The gzip level for compressed responses. Default <see cref="CompressionLevel.Fastest"/>.</summary>
    public CompressionLevel ResponseCompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>
    /// Whether the message of an unexpected handler exception is sent to the client. Default false: clients see a
    /// generic message and the exception is only logged. Enable only in development.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }
}
