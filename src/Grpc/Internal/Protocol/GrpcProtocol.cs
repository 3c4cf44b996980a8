namespace CityBrain.Grpc.Internal.Protocol;

/// <summary>Names and values of the gRPC HTTP/2 protocol.</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";
    public const string SupportedAcceptEncoding = "identity,gzip";
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>The 5-byte prefix of every message: a compressed flag and a big-endian length.</summary>
    public const int MessageHeaderSize = 5;

    /// <summary>True for <c>application/grpc</c> and <c>application/grpc+proto</c>, with or without parameters.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        if (rest[0] == ';')
        {
            return true;
        }

        if (rest[0] != '+')
        {
            return false;
        }

        var subtype = rest[1..];
        var semicolon = subtype.IndexOf(';');
        if (semicolon >= 0)
        {
            subtype = subtype[..semicolon];
        }

        return subtype.Trim().Equals("proto", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True if the header is reserved by HTTP/2 or gRPC and never surfaces as call metadata.</summary>
    public static bool IsReservedHeader(string key) =>
        key.Length == 0
        || key[0] == ':'
        || key.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || key.Equals(TeHeader, StringComparison.OrdinalIgnoreCase)
        || key.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || key.Equals("host", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase);

    /// <summary>True if a comma-separated accept-encoding list contains <paramref name="encoding"/>.</summary>
    public static bool AcceptsEncoding(string? acceptEncoding, string encoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding))
        {
            return false;
        }

        foreach (var range in acceptEncoding.AsSpan().Split(','))
        {
            if (acceptEncoding.AsSpan()[range].Trim().Equals(encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
