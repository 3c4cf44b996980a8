namespace CityBrain.Grpc.Internal.Server;

internal sealed partial class HttpServerCallContext
{
    /// <summary>Ends a call whose handler returned normally with <see cref="Status"/>.</summary>
    public ValueTask CompleteAsync()
    {
        if (_deadlineState is null)
        {
            WriteStatus(_status);
            return ValueTask.CompletedTask;
        }

        return WriteStatusLockedAsync(_status);
    }

    /// <summary>Ends a call that failed: maps the exception to a status without leaking internals.</summary>
    public ValueTask FailAsync(Exception exception)
    {
        var status = MapException(exception);
        if (status.StatusCode != StatusCode.OK)
        {
            GrpcLog.CallFailed(_pipeline.Logger, _method.FullName, status.StatusCode, status.Detail);
        }

        if (_deadlineState is null)
        {
            WriteStatus(status);
            return ValueTask.CompletedTask;
        }

        return WriteStatusLockedAsync(status);
    }

    /// <summary>Called once when the deadline timer fires: cancels the handler and sends DEADLINE_EXCEEDED.</summary>
    internal async Task OnDeadlineExpiredAsync()
    {
        GrpcLog.DeadlineExceeded(_pipeline.Logger, _method.FullName, _deadline);
        var deadline = _deadlineState!;
        await deadline.Lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_completed)
            {
                WriteStatus(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
                await _httpContext.Response.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            GrpcLog.DeadlineCompletionFailed(_pipeline.Logger, _method.FullName, ex);
        }
        finally
        {
            deadline.Lock.Release();
        }
    }

    private async ValueTask WriteStatusLockedAsync(Status status)
    {
        await _deadlineState!.Lock.WaitAsync().ConfigureAwait(false);
        try
        {
            WriteStatus(status);
        }
        finally
        {
            _deadlineState.Lock.Release();
        }
    }

    private Status MapException(Exception exception)
    {
        switch (exception)
        {
            case RpcException rpc:
                if (rpc.Trailers.Count > 0)
                {
                    foreach (var entry in rpc.Trailers)
                    {
                        ResponseTrailers.Add(entry);
                    }
                }

                return rpc.Status;

            case OperationCanceledException or IOException when DeadlineExpired:
                return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");

            case OperationCanceledException or IOException when _httpContext.RequestAborted.IsCancellationRequested:
                GrpcLog.CallCancelledByClient(_pipeline.Logger, _method.FullName);
                return new Status(StatusCode.Cancelled, "The call was cancelled by the client.");

            case IOException when !_responseStarted && _method.Type != MethodType.ServerStreaming:
                // Reading the request failed below HTTP (the client reset the stream before Kestrel flagged the abort).
                GrpcLog.CallCancelledByClient(_pipeline.Logger, _method.FullName);
                return new Status(StatusCode.Cancelled, "The request stream was aborted.");

            default:
                if (MapWithMapper(exception) is { } mapped)
                {
                    return MapException(mapped);
                }

                GrpcLog.HandlerFailed(_pipeline.Logger, _method.FullName, exception);
                var detail = _pipeline.Options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                    : "Exception was thrown by handler.";
                return new Status(StatusCode.Unknown, detail);
        }
    }

    private RpcException? MapWithMapper(Exception exception)
    {
        try
        {
            return _pipeline.ExceptionMapper?.Map(exception, this);
        }
        catch (Exception mapperFailure)
        {
            GrpcLog.HandlerFailed(_pipeline.Logger, _method.FullName, mapperFailure);
            return null;
        }
    }
}
