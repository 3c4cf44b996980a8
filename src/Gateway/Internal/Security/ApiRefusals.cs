using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>
/// Refusals written by middleware before a call reaches gRPC (authentication, authorization, rate limits), in the form
/// the caller speaks: to a gRPC or gRPC-Web call a trailers-only response with <c>grpc-status</c> and
/// <c>grpc-message</c> (what our interceptors would have answered), to a JSON call the HTTP status of the gRPC status
/// and the body JSON transcoding writes for errors (<c>{"code", "message", "details"}</c>).
/// </summary>
internal static class ApiRefusals
{
    // As JSON transcoding writes its errors: quotes and Chinese text as they are, not \u-escaped.
    private static readonly JsonSerializerOptions BodyJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext http, StatusCode code, string message)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        var contentType = http.Request.ContentType ?? "";
        if (contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType.StartsWith("application/grpc-web-text", StringComparison.OrdinalIgnoreCase) ? "application/grpc-web-text"
                : contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase) ? "application/grpc-web"
                : "application/grpc";
            response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = PercentEncode(message);
            return Task.CompletedTask;
        }

        response.StatusCode = HttpStatusOf(code);
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(JsonSerializer.Serialize(new Body((int)code, message, []), BodyJson), http.RequestAborted);
    }

    /// <summary>The HTTP status JSON transcoding gives the gRPC status.</summary>
    private static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>grpc-message is percent-encoded UTF-8: bytes outside printable ASCII, and '%' itself.</summary>
    private static string PercentEncode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7e and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private sealed record Body(
        [property: System.Text.Json.Serialization.JsonPropertyName("code")] int Code,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message,
        [property: System.Text.Json.Serialization.JsonPropertyName("details")] object[] Details);
}
