using System.Runtime.CompilerServices;
using CityBrain.Actors;
using CityBrain.Contracts;
using CityBrain.Grpc;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Errors;

/// <summary>
/// The one place where exceptions become gRPC statuses. Refusals of the city (<see cref="CityBrainException"/>) map by
/// their <see cref="ErrorKind"/>; a refusal raised on another silo arrives re-created by the runtime (same type and
/// message) or, from a build that could not re-create it, as a <see cref="RemoteGrainException"/> naming the original
/// type, which maps the same way. Only the type and the message are used, never object identity or complex
/// properties. Runtime failures map to retryable statuses; anything else is INTERNAL and logged.
/// </summary>
internal static class ApiErrors
{
    public static StatusCode StatusOf(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode,
        CityBrainException refusal => StatusOf(refusal.Kind),
        RemoteGrainException remote when KindOf(remote.OriginalType) is { } kind => StatusOf(kind),
        GrainCallTimeoutException => StatusCode.DeadlineExceeded,
        StorageUnavailableException or SiloUnavailableException => StatusCode.Unavailable,
        StorageConflictException => StatusCode.Aborted,
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

    /// <summary>The kind of a refusal type named by its (assembly-qualified) name, or null when it is not one.</summary>
    private static ErrorKind? KindOf(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: false);
        return type is not null && typeof(CityBrainException).IsAssignableFrom(type) && !type.IsAbstract
            ? ((CityBrainException)RuntimeHelpers.GetUninitializedObject(type)).Kind
            : null;
    }
}
