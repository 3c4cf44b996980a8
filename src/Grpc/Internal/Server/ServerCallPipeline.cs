using Microsoft.Extensions.Logging;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>What every call of one server shares: options, logger, interceptors and clock, resolved once.</summary>
internal sealed class ServerCallPipeline(GrpcServerOptions options, ILogger logger, IGrpcServerInterceptor[] interceptors, TimeProvider timeProvider)
{
    public GrpcServerOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public IGrpcServerInterceptor[] Interceptors { get; } = interceptors;

    public TimeProvider TimeProvider { get; } = timeProvider;
}
