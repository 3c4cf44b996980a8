using CityBrain.Grpc.Internal.Protocol;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Grpc.Internal.Server;

/// <summary>
/// Rejects requests that are not gRPC at the HTTP level, before a call exists: HTTP/1.x gets 426 with an
/// explanation (rather than a hang), a wrong content type gets 415.
/// </summary>
internal static class ProtocolGate
{
    public static bool TryReject(HttpContext httpContext, ServerCallPipeline pipeline, out Task rejection)
    {
        var request = httpContext.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            GrpcLog.UnsupportedProtocol(pipeline.Logger, request.Protocol);
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers.Connection = "close";
            response.Headers.GrpcStatus = StatusMapping.ToHeaderValue(StatusCode.Internal);
            response.Headers.GrpcMessage = "gRPC requires HTTP/2";
            response.ContentType = "text/plain; charset=utf-8";
            rejection = response.WriteAsync($"gRPC requires HTTP/2; this request used {request.Protocol}.\n", httpContext.RequestAborted);
            return true;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            GrpcLog.UnsupportedContentType(pipeline.Logger, request.ContentType);
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            response.ContentType = "text/plain; charset=utf-8";
            rejection = response.WriteAsync($"Content-Type '{request.ContentType}' is not supported; gRPC requires application/grpc.\n", httpContext.RequestAborted);
            return true;
        }

        rejection = Task.CompletedTask;
        return false;
    }
}
