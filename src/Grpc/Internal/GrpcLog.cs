using Microsoft.Extensions.Logging;

namespace CityBrain.Grpc.Internal;

/// <summary>Every log message of the gRPC library, source-generated.</summary>
internal static partial class GrpcLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception in gRPC method {Method}.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "gRPC call {Method} exceeded its deadline of {Deadline:O}.")]
    public static partial void DeadlineExceeded(ILogger logger, string method, DateTime deadline);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "gRPC call {Method} was cancelled by the client.")]
    public static partial void CallCancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Rejected request with content type '{ContentType}': gRPC requires application/grpc.")]
    public static partial void UnsupportedContentType(ILogger logger, string? contentType);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Rejected gRPC request over {Protocol}: gRPC requires HTTP/2.")]
    public static partial void UnsupportedProtocol(ILogger logger, string protocol);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Unimplemented gRPC method {Path}.")]
    public static partial void UnimplementedMethod(ILogger logger, string path);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Failed to complete gRPC call {Method} after its deadline expired.")]
    public static partial void DeadlineCompletionFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "gRPC call {Method} was rejected by interceptor {Interceptor} with {StatusCode}.")]
    public static partial void InterceptorRejected(ILogger logger, string method, string interceptor, StatusCode statusCode);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "gRPC health status of '{Service}' is now {Status}.")]
    public static partial void HealthStatusChanged(ILogger logger, string service, string status);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "gRPC health service shut down; {WatcherCount} watchers ended.")]
    public static partial void HealthShutdown(ILogger logger, int watcherCount);

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "gRPC client call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void ClientCallFailed(ILogger logger, string method, StatusCode statusCode, string detail);
}
