using System.Net.Sockets;
using CityBrain.Grpc.Internal.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>
/// One server call on Kestrel: validates the call headers, reads request frames from the request
/// <c>PipeReader</c>, writes response frames into the response <c>BodyWriter</c>, and sends the status.
/// </summary>
internal sealed partial class HttpServerCallContext : ServerCallContext
{
    private readonly HttpContext _httpContext;
    private readonly ServerCallPipeline _pipeline;
    private readonly IMethod _method;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private string? _peer;
    private DateTime _deadline = DateTime.MaxValue;
    private ServerCallDeadline? _deadlineState;
    private string? _requestEncoding;
    private bool _clientAcceptsGzip;
    private string? _responseCompression;
    private Status _status = Status.DefaultSuccess;

    public HttpServerCallContext(HttpContext httpContext, IMethod method, ServerCallPipeline pipeline)
    {
        _httpContext = httpContext;
        _method = method;
        _pipeline = pipeline;
    }

    public override string Method => _method.FullName;

    public override IMethod MethodDescriptor => _method;

    public override string Host => _httpContext.Request.Host.Value ?? string.Empty;

    public override string Peer => _peer ??= FormatPeer(_httpContext.Connection);

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    public override Metadata ResponseTrailers => _responseTrailers ??= [];

    public override Status Status
    {
        get => _status;
        set => _status = value;
    }

    public override WriteOptions? WriteOptions { get; set; }

    public override string? ResponseCompressionAlgorithm
    {
        get => _responseCompression;
        set
        {
            if (value is not null && value != GrpcProtocol.GzipEncoding && value != GrpcProtocol.IdentityEncoding)
            {
                throw new ArgumentException($"Compression algorithm '{value}' is not supported; use 'gzip' or null.", nameof(value));
            }

            _responseCompression = value == GrpcProtocol.IdentityEncoding ? null : value;
        }
    }

    public override CancellationToken CancellationToken => _deadlineState?.Token ?? _httpContext.RequestAborted;

    public override HttpContext HttpContext => _httpContext;

    internal ServerCallPipeline Pipeline => _pipeline;

    internal bool DeadlineExpired => _deadlineState?.IsExpired == true;

    /// <summary>Reads the protocol headers of the request; throws <see cref="RpcException"/> for a call that cannot proceed.</summary>
    public void Initialize()
    {
        var features = _httpContext.Features;

        // gRPC limits each message instead of the whole body, which a stream may make arbitrarily long.
        if (features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        if (_method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming
            && features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rateFeature)
        {
            // A stream may legitimately be idle for a long time.
            rateFeature.MinDataRate = null;
        }

        var response = _httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers.GrpcAcceptEncoding = GrpcProtocol.SupportedAcceptEncoding;

        var requestHeaders = _httpContext.Request.Headers;
        string? encoding = requestHeaders.GrpcEncoding;
        if (!string.IsNullOrEmpty(encoding) && encoding != GrpcProtocol.IdentityEncoding)
        {
            if (encoding != GrpcProtocol.GzipEncoding)
            {
                throw new RpcException(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: identity, gzip.");
            }

            _requestEncoding = GrpcProtocol.GzipEncoding;
        }

        string? acceptEncoding = requestHeaders.GrpcAcceptEncoding;
        _clientAcceptsGzip = GrpcProtocol.AcceptsEncoding(acceptEncoding, GrpcProtocol.GzipEncoding);
        _responseCompression = _pipeline.Options.ResponseCompressionAlgorithm;

        string? timeoutValue = requestHeaders.GrpcTimeout;
        if (timeoutValue is not null && GrpcTimeout.TryParse(timeoutValue, out var timeout))
        {
            var now = _pipeline.TimeProvider.GetUtcNow().UtcDateTime;
            _deadline = DateTime.MaxValue - now > timeout ? now + timeout : DateTime.MaxValue;
            _deadlineState = new ServerCallDeadline(this, timeout, _httpContext.RequestAborted);
            _deadlineState.Start();
        }
    }

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        return _deadlineState is null
            ? WriteResponseHeadersCoreAsync(responseHeaders)
            : WriteResponseHeadersLockedAsync(responseHeaders);
    }

    public async ValueTask DisposeAsync()
    {
        if (_deadlineState is { } deadline)
        {
            await deadline.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string FormatPeer(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{connection.RemotePort}"
            : $"ipv4:{address}:{connection.RemotePort}";
    }

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var header in _httpContext.Request.Headers)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }

            try
            {
                MetadataEncoding.AddHeaderValues(metadata, header.Key, header.Value);
            }
            catch (FormatException ex)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Header '{header.Key}' is not valid base64."), new Metadata(), ex);
            }
        }

        return metadata;
    }
}
