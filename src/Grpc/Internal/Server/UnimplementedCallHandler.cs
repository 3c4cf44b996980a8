using CityBrain.Grpc.Internal.Protocol;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>Answers gRPC calls to methods or services nobody mapped with UNIMPLEMENTED (Trailers-Only).</summary>
internal sealed class UnimplementedCallHandler(ServerCallPipeline pipeline)
{
    public Task HandleCallAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            // Not a gRPC request: behave as if this endpoint did not exist.
            httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (ProtocolGate.TryReject(httpContext, pipeline, out var rejection))
        {
            return rejection;
        }

        GrpcLog.UnimplementedMethod(pipeline.Logger, request.Path);
        var response = httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers.GrpcStatus = StatusMapping.ToHeaderValue(StatusCode.Unimplemented);
        response.Headers.GrpcMessage = PercentEncoding.Encode($"Method {request.Path} is not implemented by this server.");
        return Task.CompletedTask;
    }
}
