using System.Net;
using System.Net.Http.Headers;
using CityBrain.Grpc.Internal.Protocol;

namespace CityBrain.Grpc.Internal.Client;

internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private StreamFrameReader? _reader;

    public async Task<Metadata> GetResponseHeadersAsync()
    {
        var response = await (_sendTask ?? throw new InvalidOperationException("The call was not started.")).ConfigureAwait(false);
        return CreateMetadata(response.Headers, excludeStatus: true);
    }

    public Status GetStatus() =>
        Outcome?.Status ?? throw new InvalidOperationException("The status is only available once the call has completed.");

    public Metadata GetTrailers() =>
        Outcome?.Trailers ?? throw new InvalidOperationException("The trailers are only available once the call has completed.");

    /// <summary>The single response of a unary or client-streaming call.</summary>
    private async Task<TResponse> ReadSingleResponseAsync()
    {
        try
        {
            var response = await _sendTask!.ConfigureAwait(false);
            if (Outcome is { } early)
            {
                throw early.Status.StatusCode == StatusCode.OK
                    ? Fail(new Status(StatusCode.Internal, "The server ended the call without a response message."), null)
                    : new RpcException(early.Status, early.Trailers);
            }

            var reader = await GetReaderAsync(response).ConfigureAwait(false);
            var message = await reader.ReadMessageAsync(_method.ResponseParser, _cancellation.Token).ConfigureAwait(false);
            if (message is null)
            {
                var status = ReadStatus(response);
                throw Fail(status.StatusCode == StatusCode.OK ? new Status(StatusCode.Internal, "The server ended the call without a response message.") : status, ReadTrailers(response));
            }

            if (await reader.ReadMessageAsync(_method.ResponseParser, _cancellation.Token).ConfigureAwait(false) is not null)
            {
                throw Fail(new Status(StatusCode.Internal, "The server sent more than one response message."), null);
            }

            var final = ReadStatus(response);
            if (final.StatusCode != StatusCode.OK)
            {
                throw Fail(final, ReadTrailers(response));
            }

            Complete(final, null, response);
            return message;
        }
        catch (RpcException ex)
        {
            throw Fail(ex.Status, ex.Trailers);
        }
        catch (Exception ex)
        {
            throw Fail(MapException(ex), null, ex);
        }
        finally
        {
            ReleaseReader();
        }
    }

    /// <summary>The next message of a response stream; null at its end (OK status).</summary>
    internal async ValueTask<TResponse?> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (Outcome is { } done)
        {
            return done.Status.StatusCode == StatusCode.OK ? null : throw new RpcException(done.Status, done.Trailers);
        }

        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).CancelCall(), this)
            : default;
        try
        {
            var response = await _sendTask!.ConfigureAwait(false);
            if (Outcome is { } early)
            {
                return early.Status.StatusCode == StatusCode.OK ? null : throw new RpcException(early.Status, early.Trailers);
            }

            var reader = await GetReaderAsync(response).ConfigureAwait(false);
            var message = await reader.ReadMessageAsync(_method.ResponseParser, _cancellation.Token).ConfigureAwait(false);
            if (message is not null)
            {
                return message;
            }

            ReleaseReader();
            var status = ReadStatus(response);
            if (status.StatusCode != StatusCode.OK)
            {
                throw Fail(status, ReadTrailers(response));
            }

            Complete(status, null, response);
            return null;
        }
        catch (RpcException ex)
        {
            ReleaseReader();
            throw Fail(ex.Status, ex.Trailers);
        }
        catch (Exception ex)
        {
            ReleaseReader();
            throw Fail(MapException(ex), null, ex);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<StreamFrameReader> GetReaderAsync(HttpResponseMessage response)
    {
        if (_reader is { } existing)
        {
            return existing;
        }

        string? encoding = null;
        if (response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var values))
        {
            var value = values.ToString();
            if (value == GrpcProtocol.GzipEncoding)
            {
                encoding = GrpcProtocol.GzipEncoding;
            }
            else if (value != GrpcProtocol.IdentityEncoding)
            {
                throw new RpcException(StatusCode.Internal, $"The server used unsupported grpc-encoding '{value}'.");
            }
        }

        var stream = await response.Content.ReadAsStreamAsync(_cancellation.Token).ConfigureAwait(false);
        return _reader = new StreamFrameReader(stream, _channel.MaxReceiveMessageSize, encoding);
    }

    private void ReleaseReader()
    {
        var reader = _reader;
        _reader = null;
        reader?.Dispose();
    }

    /// <summary>The status carried by the response headers when the call ends before any message; null for a normal start.</summary>
    private static Status? CheckResponseHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            if (TryReadStatus(response.Headers, out var headerStatus))
            {
                return headerStatus;
            }

            return new Status(StatusMapping.FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var contentType)
            || !GrpcProtocol.IsGrpcContentType(contentType.ToString()))
        {
            return new Status(StatusCode.Internal, "Bad gRPC response: the content type is not application/grpc.");
        }

        return TryReadStatus(response.Headers, out var trailersOnly) ? trailersOnly : null;
    }

    private static Status ReadStatus(HttpResponseMessage response)
    {
        if (TryReadStatus(response.TrailingHeaders, out var status) || TryReadStatus(response.Headers, out status))
        {
            return status;
        }

        return new Status(StatusCode.Internal, "The response ended without a grpc-status.");
    }

    private static bool TryReadStatus(HttpHeaders headers, out Status status)
    {
        var nonValidated = headers.NonValidated;
        if (!nonValidated.TryGetValues(GrpcProtocol.StatusTrailer, out var code))
        {
            status = default;
            return false;
        }

        if (!StatusMapping.TryParseStatus(code.ToString(), out var statusCode))
        {
            status = new Status(StatusCode.Unknown, $"Invalid grpc-status '{code}'.");
            return true;
        }

        var detail = nonValidated.TryGetValues(GrpcProtocol.MessageTrailer, out var message)
            ? PercentEncoding.Decode(message.ToString())
            : string.Empty;
        status = new Status(statusCode, detail);
        return true;
    }

    private static Metadata ReadTrailers(HttpResponseMessage response) => CreateMetadata(response.TrailingHeaders, excludeStatus: true);

    private static Metadata CreateMetadata(HttpHeaders headers, bool excludeStatus)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            if (excludeStatus && GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }

            try
            {
                MetadataEncoding.AddHeaderValues(metadata, header.Key, new Microsoft.Extensions.Primitives.StringValues([.. header.Value]));
            }
            catch (FormatException)
            {
                // A malformed binary header is dropped rather than failing the call.
            }
        }

        return metadata;
    }
}
