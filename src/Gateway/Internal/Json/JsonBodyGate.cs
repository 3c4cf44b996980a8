using CityBrain.Gateway.Internal.Security;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CityBrain.Gateway.Internal.Json;

/// <summary>
/// Middleware before the JSON routes: reads the body of a JSON-transcoded call that has one and refuses it with
/// INVALID_ARGUMENT (HTTP 400) naming the field or the position when it is not JSON of the request message
/// (<see cref="JsonBodyCheck"/>). JSON transcoding parses the body before any interceptor runs and answers such a
/// body with one generic message; nothing is called, so nothing is written. A body that passes is read again by
/// transcoding (it is buffered).
/// </summary>
internal static class JsonBodyGate
{
    public static async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (BodyMessage(http) is not { } message)
        {
            await next(http);
            return;
        }

        http.Request.EnableBuffering();
        var body = await ReadAsync(http.Request.Body, http.RequestAborted);
        http.Request.Body.Position = 0;
        if (body.Length > 0 && JsonBodyCheck.Problem(body, message) is { } problem)
        {
            await ApiRefusals.WriteAsync(http, StatusCode.InvalidArgument, problem);
            return;
        }

        await next(http);
    }

    /// <summary>The message a JSON call's body must be: the request, or its field the rule names (<c>body: "event"</c>);
    /// null for gRPC calls, routes without a body, raw bodies (<c>google.api.HttpBody</c>) and non-JSON content.</summary>
    private static MessageDescriptor? BodyMessage(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { } transcoding
            || transcoding.HttpRule.Body is not { Length: > 0 } body
            || !IsJson(http.Request.ContentType))
        {
            return null;
        }

        var input = transcoding.MethodDescriptor.InputType;
        var message = body == "*" ? input : input.FindFieldByName(body) is { FieldType: FieldType.Message } field ? field.MessageType : null;
        return message is null || message.FullName == "google.api.HttpBody" ? null : message;
    }

    /// <summary>JSON in UTF-8 (transcoding also decodes other charsets: those bodies are left to it).</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        var mediaType = parsed.MediaType.Value ?? "";
        var charset = parsed.Charset.Value;
        return (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<ReadOnlyMemory<byte>> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
