using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using CityBrain.Grpc.Internal.Client;
using CityBrain.Grpc.Internal.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Grpc;

/// <summary>
/// A client connection to one gRPC server over HTTP/2 (cleartext with prior knowledge for <c>http://</c>, TLS with
/// ALPN for <c>https://</c>). Thread-safe and meant to be shared: calls are multiplexed over the handler's
/// connections. Dispose it when done.
/// </summary>
public sealed class GrpcChannel : CallInvoker, IDisposable
{
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);
    private readonly string _baseAddress;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must use http or https.", nameof(address));
        }

        if (options.CompressionAlgorithm is not null && options.CompressionAlgorithm != GrpcProtocol.GzipEncoding)
        {
            throw new ArgumentException($"Compression algorithm '{options.CompressionAlgorithm}' is not supported; use 'gzip' or null.", nameof(options));
        }

        if (options.MaxReceiveMessageSize is <= 0 || options.MaxSendMessageSize is <= 0)
        {
            throw new ArgumentException("Message size limits must be positive or null.", nameof(options));
        }

        Address = address;
        _baseAddress = address.GetLeftPart(UriPartial.Authority) + address.AbsolutePath.TrimEnd('/');
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        CompressionLevel = options.CompressionAlgorithm is null ? null : options.CompressionLevel;
        DefaultHeaders = options.DefaultHeaders;
        CallCredentials = options.CallCredentials;
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        Logger = options.LoggerFactory?.CreateLogger("CityBrain.Grpc.Client") ?? NullLogger.Instance;
        var handler = options.HttpHandler ?? CreateDefaultHandler();
        Invoker = new HttpMessageInvoker(handler, options.HttpHandler is null || options.DisposeHttpHandler);
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    internal HttpMessageInvoker Invoker { get; }

    internal int? MaxReceiveMessageSize { get; }

    internal int? MaxSendMessageSize { get; }

    internal CompressionLevel? CompressionLevel { get; }

    internal Metadata? DefaultHeaders { get; }

    internal CallCredentialsCallback? CallCredentials { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    /// <summary>Creates a channel to <paramref name="address"/>, e.g. <c>http://127.0.0.1:5000</c>.</summary>
    /// <param name="address">The server address.</param>
    /// <param name="options">Channel settings; null for the defaults.</param>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    /// <summary>Creates a channel to <paramref name="address"/>.</summary>
    /// <param name="address">The server address.</param>
    /// <param name="options">Channel settings; null for the defaults.</param>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <inheritdoc />
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new GrpcCall<TRequest, TResponse>(this, method, options);
        return new AsyncUnaryCall<TResponse>(call, call.StartUnary(request));
    }

    /// <inheritdoc />
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new GrpcCall<TRequest, TResponse>(this, method, options);
        return new AsyncServerStreamingCall<TResponse>(call, call.StartServerStreaming(request));
    }

    /// <inheritdoc />
    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var call = new GrpcCall<TRequest, TResponse>(this, method, options);
        var response = call.StartClientStreaming(out var writer);
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, writer, response);
    }

    /// <inheritdoc />
    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
    {
        var call = new GrpcCall<TRequest, TResponse>(this, method, options);
        var reader = call.StartDuplexStreaming(out var writer);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, writer, reader);
    }

    /// <summary>Closes the connections (when the channel owns the handler).</summary>
    public void Dispose() => Invoker.Dispose();

    internal Uri GetMethodUri(IMethod method) =>
        _methodUris.GetOrAdd(method.FullName, static (path, baseAddress) => new Uri(baseAddress + path, UriKind.Absolute), _baseAddress);

    private static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
    };
}
