using System.Net;
using System.Net.Http.Headers;
using CityBrain.Grpc.Internal.Protocol;

namespace CityBrain.Grpc.Internal.Client;

/// <summary>Reads gRPC status, trailers and metadata from HTTP response headers.</summary>
internal static class GrpcResponseHeaders
{
    /// <summary>The status carried by the response headers when the call ends before any message; null for a normal start.</summary>
    public static Status? CheckResponseHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            if (TryReadStatus(response.Headers, out var headerStatus))
            {
                return headerStatus;
            }

            return new Status(StatusMapping.FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var contentType)
            || !GrpcProtocol.IsGrpcContentType(contentType.ToString()))
        {
            return new Status(StatusCode.Internal, "Bad gRPC response: the content type is not application/grpc.");
        }

        return TryReadStatus(response.Headers, out var trailersOnly) ? trailersOnly : null;
    }

    public static Status ReadStatus(HttpResponseMessage response)
    {
        if (TryReadStatus(response.TrailingHeaders, out var status) || TryReadStatus(response.Headers, out status))
        {
            return status;
        }

        return new Status(StatusCode.Internal, "The response ended without a grpc-status.");
    }

    public static bool TryReadStatus(HttpHeaders headers, out Status status)
    {
        var nonValidated = headers.NonValidated;
        if (!nonValidated.TryGetValues(GrpcProtocol.StatusTrailer, out var code))
        {
            status = default;
            return false;
        }

        if (!StatusMapping.TryParseStatus(code.ToString(), out var statusCode))
        {
            status = new Status(StatusCode.Unknown, $"Invalid grpc-status '{code}'.");
            return true;
        }

        var detail = nonValidated.TryGetValues(GrpcProtocol.MessageTrailer, out var message)
            ? PercentEncoding.Decode(message.ToString())
            : string.Empty;
        status = new Status(statusCode, detail);
        return true;
    }

    public static Metadata ReadTrailers(HttpResponseMessage response) => CreateMetadata(response.TrailingHeaders, excludeStatus: true);

    public static Metadata CreateMetadata(HttpHeaders headers, bool excludeStatus)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            if (excludeStatus && GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }

            try
            {
                MetadataEncoding.AddHeaderValues(metadata, header.Key, new Microsoft.Extensions.Primitives.StringValues([.. header.Value]));
            }
            catch (FormatException)
            {
                // A malformed binary header is dropped rather than failing the call.
            }
        }

        return metadata;
    }
}
