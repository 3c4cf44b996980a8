using System.Net;
using CityBrain.Grpc.Internal.Protocol;
using Google.Protobuf;

namespace CityBrain.Grpc.Internal.Client;

/// <summary>One client call over <see cref="HttpMessageInvoker"/>: builds the HTTP/2 request, reads frames and the status.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : IClientCall
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private const string UserAgent = "citybrain-grpc/1.0";

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cancellation = new();
    private CancellationTokenRegistration _userRegistration;
    private ITimer? _deadlineTimer;
    private volatile bool _deadlineExpired;
    private Task<HttpResponseMessage>? _sendTask;
    private HttpRequestMessage? _request;
    private HttpResponseMessage? _response;
    private PushStreamContent? _pushContent;
    private CallOutcome? _outcome;
    private int _disposed;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(method);
        _channel = channel;
        _method = method;
        _options = options;
    }

    internal CancellationToken CallToken => _cancellation.Token;

    internal CallOutcome? Outcome => Volatile.Read(ref _outcome);

    internal CompressionSettings Compression => new(_channel.CompressionLevel);

    internal int? MaxSendMessageSize => _channel.MaxSendMessageSize;

    public Task<TResponse> StartUnary(TRequest request)
    {
        if (!TryCreateUnaryContent(request, out var content, out var failure))
        {
            return Task.FromException<TResponse>(failure);
        }

        Start(content);
        return ReadSingleResponseAsync();
    }

    public IAsyncStreamReader<TResponse> StartServerStreaming(TRequest request)
    {
        if (TryCreateUnaryContent(request, out var content, out _))
        {
            Start(content);
        }

        return new ClientResponseStreamReader<TRequest, TResponse>(this);
    }

    public Task<TResponse> StartClientStreaming(out IClientStreamWriter<TRequest> writer)
    {
        _pushContent = new PushStreamContent();
        Start(_pushContent);
        writer = new ClientRequestStreamWriter<TRequest, TResponse>(this, _pushContent) { WriteOptions = _options.WriteOptions };
        return ReadSingleResponseAsync();
    }

    public IAsyncStreamReader<TResponse> StartDuplexStreaming(out IClientStreamWriter<TRequest> writer)
    {
        _pushContent = new PushStreamContent();
        Start(_pushContent);
        writer = new ClientRequestStreamWriter<TRequest, TResponse>(this, _pushContent) { WriteOptions = _options.WriteOptions };
        return new ClientResponseStreamReader<TRequest, TResponse>(this);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (Outcome is null)
        {
            Complete(new Status(StatusCode.Cancelled, "The call was disposed before it completed."), null);
            CancelCall();
        }

        _response?.Dispose();
    }

    private bool TryCreateUnaryContent(TRequest request, out HttpContent content, out RpcException failure)
    {
        try
        {
            content = new UnaryRequestContent(request, _channel.MaxSendMessageSize, _channel.CompressionLevel);
            failure = null!;
            return true;
        }
        catch (RpcException ex)
        {
            Complete(ex.Status, ex.Trailers);
            content = null!;
            failure = ex;
            _sendTask = Task.FromException<HttpResponseMessage>(ex);
            return false;
        }
    }

    private void Start(HttpContent content)
    {
        if (_options.CancellationToken.CanBeCanceled)
        {
            _userRegistration = _options.CancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).CancelCall(), this);
        }

        TimeSpan? timeout = null;
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - _channel.TimeProvider.GetUtcNow().UtcDateTime;
            if (remaining <= TimeSpan.Zero)
            {
                _deadlineExpired = true;
                _cancellation.Cancel();
            }
            else
            {
                timeout = remaining;
                _deadlineTimer = _channel.TimeProvider.CreateTimer(
                    static state => ((GrpcCall<TRequest, TResponse>)state!).OnDeadline(), this, remaining, Timeout.InfiniteTimeSpan);
            }
        }

        _request = CreateRequest(content, timeout);
        _sendTask = SendAsync(_request);
    }

    private HttpRequestMessage CreateRequest(HttpContent content, TimeSpan? timeout)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetMethodUri(_method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedAcceptEncoding);
        if (_channel.CompressionLevel is not null)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.GzipEncoding);
        }

        if (timeout is { } value)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(value));
        }

        if (_channel.DefaultHeaders is { Count: > 0 } defaults)
        {
            AddMetadata(request, defaults);
        }

        if (_options.Headers is { Count: > 0 } custom)
        {
            AddMetadata(request, custom);
        }

        return request;
    }

    private static void AddMetadata(HttpRequestMessage request, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            request.Headers.TryAddWithoutValidation(entry.Key, MetadataEncoding.ToHeaderValue(entry));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        try
        {
            if (_channel.CallCredentials is { } credentials)
            {
                var metadata = new Metadata();
                await credentials(_method, metadata, _cancellation.Token).ConfigureAwait(false);
                AddMetadata(request, metadata);
            }

            var response = await _channel.Invoker.SendAsync(request, _cancellation.Token).ConfigureAwait(false);
            _response = response;
            if (Volatile.Read(ref _disposed) == 1)
            {
                response.Dispose();
            }

            if (GrpcResponseHeaders.CheckResponseHeaders(response) is { } early)
            {
                // An HTTP error or a Trailers-Only response: the call is over before any message.
                Complete(early, GrpcResponseHeaders.CreateMetadata(response.Headers, excludeStatus: true));
            }

            return response;
        }
        catch (RpcException ex)
        {
            throw Fail(ex.Status, ex.Trailers);
        }
        catch (Exception ex)
        {
            throw Fail(MapException(ex), null, ex);
        }
    }

    private void OnDeadline()
    {
        _deadlineExpired = true;
        CancelCall();
    }

    private void CancelCall()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A registered callback failed; the call is cancelled regardless.
        }

        _pushContent?.Abort();
    }
}
