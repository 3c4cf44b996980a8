using System.IO.Compression;
using CityBrain.Grpc.Internal.Protocol;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Grpc.Internal.Server;

internal sealed partial class HttpServerCallContext
{
    private CompressionLevel? _compressionLevel;
    private bool _responseStarted;
    private bool _completed;
    private bool _writePending;

    /// <summary>Writes one message of a response stream and flushes it unless <see cref="WriteFlags.BufferHint"/> is set.</summary>
    public ValueTask WriteStreamMessageAsync(IMessage message, WriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_writePending)
        {
            throw new InvalidOperationException("A write is already pending; await each WriteAsync before the next.");
        }

        return _deadlineState is null
            ? WriteStreamMessageCoreAsync(message, options, cancellationToken)
            : WriteStreamMessageLockedAsync(message, options, cancellationToken);
    }

    /// <summary>Writes the single response of a unary or client-streaming call and its OK status.</summary>
    public ValueTask CompleteWithResponseAsync(IMessage response)
    {
        if (_deadlineState is null)
        {
            CompleteWithResponseCore(response);
            return ValueTask.CompletedTask;
        }

        return CompleteWithResponseLockedAsync(response);
    }

    private async ValueTask CompleteWithResponseLockedAsync(IMessage response)
    {
        await _deadlineState!.Lock.WaitAsync().ConfigureAwait(false);
        try
        {
            CompleteWithResponseCore(response);
        }
        finally
        {
            _deadlineState.Lock.Release();
        }
    }

    private void CompleteWithResponseCore(IMessage response)
    {
        if (_completed)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(response);
        if (_status.StatusCode == StatusCode.OK)
        {
            var size = MessageFraming.MeasureForSend(response, _pipeline.Options.MaxSendMessageSize);
            StartResponse();
            var level = (WriteOptions?.Flags & WriteFlags.NoCompress) == WriteFlags.NoCompress ? null : _compressionLevel;
            MessageFraming.WriteFrame(_httpContext.Response.BodyWriter, response, size, level);
        }

        WriteStatus(_status);
    }

    private async ValueTask WriteStreamMessageLockedAsync(IMessage message, WriteOptions? options, CancellationToken cancellationToken)
    {
        await _deadlineState!.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteStreamMessageCoreAsync(message, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _deadlineState.Lock.Release();
        }
    }

    private ValueTask WriteStreamMessageCoreAsync(IMessage message, WriteOptions? options, CancellationToken cancellationToken)
    {
        if (_completed)
        {
            throw DeadlineExpired
                ? new RpcException(StatusCode.DeadlineExceeded, "The deadline of the call expired.")
                : new InvalidOperationException("Cannot write a message after the call has completed.");
        }

        var size = MessageFraming.MeasureForSend(message, _pipeline.Options.MaxSendMessageSize);
        StartResponse();
        var flags = (options ?? WriteOptions)?.Flags ?? WriteFlags.None;
        var level = (flags & WriteFlags.NoCompress) == WriteFlags.NoCompress ? null : _compressionLevel;
        var writer = _httpContext.Response.BodyWriter;
        MessageFraming.WriteFrame(writer, message, size, level);
        if ((flags & WriteFlags.BufferHint) == WriteFlags.BufferHint)
        {
            return ValueTask.CompletedTask;
        }

        var flush = writer.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            if (flush.Result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            return ValueTask.CompletedTask;
        }

        return AwaitFlushAsync(flush, cancellationToken);
    }

    private async ValueTask AwaitFlushAsync(ValueTask<System.IO.Pipelines.FlushResult> flush, CancellationToken cancellationToken)
    {
        _writePending = true;
        try
        {
            var result = await flush.ConfigureAwait(false);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
        finally
        {
            _writePending = false;
        }
    }

    private async Task WriteResponseHeadersLockedAsync(Metadata responseHeaders)
    {
        await _deadlineState!.Lock.WaitAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            await WriteResponseHeadersCoreAsync(responseHeaders).ConfigureAwait(false);
        }
        finally
        {
            _deadlineState.Lock.Release();
        }
    }

    private Task WriteResponseHeadersCoreAsync(Metadata responseHeaders)
    {
        if (_responseStarted || _completed)
        {
            throw new InvalidOperationException("Response headers can only be sent once, before the first response message.");
        }

        var headers = _httpContext.Response.Headers;
        foreach (var entry in responseHeaders)
        {
            headers.Append(entry.Key, MetadataEncoding.ToHeaderValue(entry));
        }

        StartResponse();
        return _httpContext.Response.StartAsync(CancellationToken);
    }

    /// <summary>Commits the response headers: after this the status goes in trailers, not in a Trailers-Only response.</summary>
    private void StartResponse()
    {
        if (_responseStarted)
        {
            return;
        }

        _responseStarted = true;
        if (_responseCompression == GrpcProtocol.GzipEncoding && _clientAcceptsGzip)
        {
            _compressionLevel = _pipeline.Options.ResponseCompressionLevel;
            _httpContext.Response.Headers.GrpcEncoding = GrpcProtocol.GzipEncoding;
        }
    }

    /// <summary>Sends the status: as trailers after a response, or as a Trailers-Only response when nothing was sent.</summary>
    private void WriteStatus(Status status)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        var response = _httpContext.Response;
        IHeaderDictionary target;
        if (!_responseStarted && !response.HasStarted)
        {
            target = response.Headers;
        }
        else if (response.SupportsTrailers())
        {
            target = _httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseTrailersFeature>()!.Trailers;
        }
        else
        {
            return;
        }

        target.GrpcStatus = StatusMapping.ToHeaderValue(status.StatusCode);
        if (status.Detail.Length > 0)
        {
            target.GrpcMessage = PercentEncoding.Encode(status.Detail);
        }

        if (_responseTrailers is { Count: > 0 } trailers)
        {
            foreach (var entry in trailers)
            {
                target.Append(entry.Key, MetadataEncoding.ToHeaderValue(entry));
            }
        }
    }
}
