using CityBrain.Grpc;
using Microsoft.Extensions.Logging;

namespace CityBrain.Gateway.Internal.Errors;

/// <summary>The public API's handlers throw what the grains throw; the wire layer asks this mapper for the status
/// (<see cref="ApiErrors"/>), after it has itself told a deadline or a client's cancellation apart.</summary>
internal sealed class ApiExceptionMapper(ILogger<ApiExceptionMapper> logger) : IGrpcExceptionMapper
{
    public RpcException? Map(Exception exception, ServerCallContext context) =>
        ApiErrors.ToRpcException(exception, logger, context.Method);
}
