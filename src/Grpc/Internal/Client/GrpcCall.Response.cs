using CityBrain.Grpc.Internal.Protocol;

namespace CityBrain.Grpc.Internal.Client;

internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private StreamFrameReader? _reader;

    public async Task<Metadata> GetResponseHeadersAsync()
    {
        var response = await (_sendTask ?? throw new InvalidOperationException("The call was not started.")).ConfigureAwait(false);
        return GrpcResponseHeaders.CreateMetadata(response.Headers, excludeStatus: true);
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
                var status = GrpcResponseHeaders.ReadStatus(response);
                throw Fail(status.StatusCode == StatusCode.OK ? new Status(StatusCode.Internal, "The server ended the call without a response message.") : status, GrpcResponseHeaders.ReadTrailers(response));
            }

            if (await reader.ReadMessageAsync(_method.ResponseParser, _cancellation.Token).ConfigureAwait(false) is not null)
            {
                throw Fail(new Status(StatusCode.Internal, "The server sent more than one response message."), null);
            }

            var final = GrpcResponseHeaders.ReadStatus(response);
            if (final.StatusCode != StatusCode.OK)
            {
                throw Fail(final, GrpcResponseHeaders.ReadTrailers(response));
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
            var status = GrpcResponseHeaders.ReadStatus(response);
            if (status.StatusCode != StatusCode.OK)
            {
                throw Fail(status, GrpcResponseHeaders.ReadTrailers(response));
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
}
