using System.Data.Common;
using System.Net.Sockets;
using CityBrain.Contracts;
using Grpc.Core;
using CityBrain.Storage;
using Microsoft.Data.Sqlite;
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
    public static StatusCode StatusOf(Exception exception) => Cause(exception) switch
    {
        RpcException rpc => rpc.StatusCode,
        CityBrainException refusal => StatusOf(refusal.Kind),
        TimeoutException => StatusCode.DeadlineExceeded,
        StorageUnavailableException or SiloUnavailableException or OrleansMessageRejectionException => StatusCode.Unavailable,
        DbException { IsTransient: true } or SocketException => StatusCode.Unavailable,

        // SQLite's driver marks no error transient; these are the ones the journal store also treats as an outage
        // (busy or locked beyond the busy timeout, I/O error, disk full, cannot open), met here from Orleans' ADO.NET state.
        SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 or 14 } => StatusCode.Unavailable,
        JournalConflictException or InconsistentStateException => StatusCode.Aborted,

        // The wire layer tells a deadline and the client's own cancellation apart before it asks here; a cancellation
        // that still arrives was the server's (an activation given up while the database hangs, a silo stopping): retry.
        OperationCanceledException => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    public static StatusCode StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    /// <summary>The status and the message the client sees. Messages of refusals and runtime failures are meant for
    /// callers (they name the field, the state, the missing permission); an unexpected error's is not sent.</summary>
    public static (StatusCode Code, string Message) Describe(Exception exception)
    {
        var code = StatusOf(exception);
        var cause = Cause(exception);
        var message = cause switch
        {
            RpcException rpc => rpc.Status.Detail,
            _ when code == StatusCode.Internal => "Internal error; it was logged.",
            _ => cause.Message,
        };
        return (code, message);
    }

    /// <summary>The exception that decides the status: Orleans wraps a storage provider's failure (its ADO.NET grain
    /// state, e.g. a database that went away) in a plain <see cref="OrleansException"/> whose message holds the whole
    /// stack trace, so the cause is the exception inside.</summary>
    private static Exception Cause(Exception exception) =>
        exception.GetType() == typeof(OrleansException) && exception.InnerException is { } inner ? Cause(inner) : exception;

    /// <summary>The exception to end a call with; logs what is not a refusal.</summary>
    public static RpcException ToRpcException(Exception exception, ILogger logger, string method)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }

        var (code, message) = Describe(exception);
        Log(exception, code, logger, method);
        return new RpcException(new Status(code, message));
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
