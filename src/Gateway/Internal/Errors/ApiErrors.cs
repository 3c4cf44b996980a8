using System.Data.Common;
using System.Net.Sockets;
using CityBrain.Contracts;
using CityBrain.Grpc;
using CityBrain.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace CityBrain.Gateway.Internal.Errors;

/// <summary>
/// The one place where exceptions become gRPC statuses. Refusals of the city (<see cref="CityBrainException"/>) map by
/// their <see cref="ErrorKind"/> (Orleans carries them across silos with their type and properties). Runtime failures
/// map to retryable statuses: a grain call without an answer in time to DEADLINE_EXCEEDED, an unreachable silo or
/// database to UNAVAILABLE, a lost write race to ABORTED. Anything else is INTERNAL and logged.
/// </summary>
internal static class ApiErrors
{
    public static StatusCode StatusOf(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode,
        CityBrainException refusal => StatusOf(refusal.Kind),
        TimeoutException => StatusCode.DeadlineExceeded,
        StorageUnavailableException or SiloUnavailableException or OrleansMessageRejectionException => StatusCode.Unavailable,
        DbException { IsTransient: true } or SocketException => StatusCode.Unavailable,
        JournalConflictException or InconsistentStateException => StatusCode.Aborted,
        OperationCanceledException => StatusCode.Cancelled,
        _ => StatusCode.Internal,
    };

    public static StatusCode StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ErrorKind.NotFound => StatusCode.NotFound,
        _ => StatusCode.Internal,
    };

    /// <summary>The status and the message the client sees. Messages of refusals and runtime failures are meant for
    /// callers (they name the field, the state, the missing permission); an unexpected error's is not sent.</summary>
    public static (StatusCode Code, string Message) Describe(Exception exception)
    {
        var code = StatusOf(exception);
        var message = exception switch
        {
            RpcException rpc => rpc.Status.Detail,
            _ when code == StatusCode.Internal => "Internal error; it was logged.",
            _ => exception.Message,
        };
        return (code, message);
    }

    /// <summary>The exception to end a call with; logs what is not a refusal.</summary>
    public static RpcException ToRpcException(Exception exception, ILogger logger, string method)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }

        var (code, message) = Describe(exception);
        Log(exception, code, logger, method);
        return new RpcException(code, message);
    }

    /// <summary>Logs an error at the level it deserves: refusals not at all, runtime failures as warnings, the rest as errors.</summary>
    public static void Log(Exception exception, StatusCode code, ILogger logger, string method)
    {
        switch (code)
        {
            case StatusCode.Internal:
                GatewayLog.CallFailed(logger, exception, method);
                break;
            case StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted:
                GatewayLog.CallUnavailable(logger, method, exception.Message);
                break;
        }
    }
}
