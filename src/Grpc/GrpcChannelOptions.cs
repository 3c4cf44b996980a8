using System.IO.Compression;
using Microsoft.Extensions.Logging;

namespace CityBrain.Grpc;

/// <summary>Settings of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>
    /// The HTTP handler. Null (default) creates a <see cref="SocketsHttpHandler"/> with
    /// <c>EnableMultipleHttp2Connections</c>, no proxy and keep-alive pings. Supply one for client certificates or
    /// custom certificate validation.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/>. Default true.</summary>
    public bool DisposeHttpHandler { get; set; } = true;

    /// <summary>The largest response message accepted, in bytes; default 4 MiB; null for no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest request message sent, in bytes; null (default) for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Request message encoding: <c>gzip</c>, or null (default) for none.</summary>
    public string? CompressionAlgorithm { get; set; }

    /// <summary>The gzip level for compressed requests. Default <see cref="CompressionLevel.Fastest"/>.</summary>
    public CompressionLevel CompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>Headers added to every call (before the per-call headers).</summary>
    public Metadata? DefaultHeaders { get; set; }

    /// <summary>Adds credentials to every call, e.g. a bearer token.</summary>
    public CallCredentialsCallback? CallCredentials { get; set; }

    /// <summary>Logs failed calls at debug level; null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock deadlines are measured on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
