namespace CityBrain.Grpc.Internal.Client;

internal sealed partial class GrpcCall<TRequest, TResponse>
{
    /// <summary>Records the final status (first one wins) and releases the call's timer, registration and HTTP objects.</summary>
    internal void Complete(Status status, Metadata? trailers, HttpResponseMessage? trailerSource = null)
    {
        var outcome = new CallOutcome(status, trailers, trailerSource);
        if (Interlocked.CompareExchange(ref _outcome, outcome, null) is not null)
        {
            return;
        }

        if (status.StatusCode != StatusCode.OK)
        {
            GrpcLog.ClientCallFailed(_channel.Logger, _method.FullName, status.StatusCode, status.Detail);
        }

        _deadlineTimer?.Dispose();
        _userRegistration.Dispose();
        if (status.StatusCode != StatusCode.OK)
        {
            // Abort the HTTP/2 stream (RST_STREAM) if it is still open; harmless once it has ended.
            CancelCall();
        }

        _response?.Dispose();
        _request?.Dispose();
    }

    /// <summary>Completes the call with <paramref name="status"/> (unless it already has a status) and returns the exception to throw.</summary>
    internal RpcException Fail(Status status, Metadata? trailers, Exception? cause = null)
    {
        Complete(status, trailers);
        var outcome = Outcome!;
        return new RpcException(outcome.Status, outcome.Trailers, cause);
    }

    /// <summary>Maps a local failure to a status: the call's own cancellation and deadline first, then transport errors.</summary>
    internal Status MapException(Exception exception)
    {
        if (_deadlineExpired)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (_cancellation.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "The call was cancelled.");
        }

        return exception switch
        {
            HttpProtocolException protocol => protocol.ErrorCode switch
            {
                0x8 => new Status(StatusCode.Cancelled, "The server cancelled the stream."),
                0x7 => new Status(StatusCode.Unavailable, "The server refused the stream."),
                0xB => new Status(StatusCode.ResourceExhausted, "The server asked the client to calm down (ENHANCE_YOUR_CALM)."),
                0xC => new Status(StatusCode.PermissionDenied, "Inadequate transport security."),
                _ => new Status(StatusCode.Internal, $"HTTP/2 stream error {protocol.ErrorCode}: {protocol.Message}"),
            },
            OperationCanceledException => new Status(StatusCode.Cancelled, "The call was cancelled."),
            HttpRequestException request => new Status(StatusCode.Unavailable, $"Error connecting to the server: {request.Message}"),
            IOException io => new Status(StatusCode.Unavailable, $"Error reading from the server: {io.Message}"),
            _ => new Status(StatusCode.Internal, $"Error in the gRPC client: {exception.GetType().Name}: {exception.Message}"),
        };
    }
}
