using System.Globalization;
using System.Net;

namespace CityBrain.Grpc.Internal.Protocol;

/// <summary>Maps HTTP results to gRPC status codes as the HTTP/2 protocol document describes.</summary>
internal static class StatusMapping
{
    private static readonly string[] StatusStrings = CreateStatusStrings();

    /// <summary>The cached string form of a status code, for the <c>grpc-status</c> trailer.</summary>
    public static string ToHeaderValue(StatusCode code)
    {
        var index = (int)code;
        return (uint)index < (uint)StatusStrings.Length ? StatusStrings[index] : index.ToString(CultureInfo.InvariantCulture);
    }

    public static bool TryParseStatus(string? value, out StatusCode code)
    {
        if (value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            code = (StatusCode)number;
            return true;
        }

        code = StatusCode.Unknown;
        return false;
    }

    /// <summary>The status for a response whose HTTP status is not 200.</summary>
    public static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests => StatusCode.Unavailable,
        HttpStatusCode.BadGateway => StatusCode.Unavailable,
        HttpStatusCode.ServiceUnavailable => StatusCode.Unavailable,
        HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private static string[] CreateStatusStrings()
    {
        var strings = new string[17];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        return strings;
    }
}
