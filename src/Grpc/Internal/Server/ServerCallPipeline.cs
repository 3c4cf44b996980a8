using Microsoft.Extensions.Logging;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>What every call of one server shares: options, logger, interceptors, exception mapper and clock, resolved once.</summary>
internal sealed class ServerCallPipeline(GrpcServerOptions options, ILogger logger, IGrpcServerInterceptor[] interceptors, TimeProvider timeProvider, IGrpcExceptionMapper? exceptionMapper = null)
{
    public GrpcServerOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public IGrpcServerInterceptor[] Interceptors { get; } = interceptors;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public IGrpcExceptionMapper? ExceptionMapper { get; } = exceptionMapper;
}
