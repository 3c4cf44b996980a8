using Microsoft.Extensions.Primitives;

namespace CityBrain.Grpc.Internal.Protocol;

/// <summary>Converts between <see cref="Metadata"/> and HTTP/2 header values (<c>-bin</c> values are base64).</summary>
internal static class MetadataEncoding
{
    /// <summary>Base64 without padding, as the protocol asks senders to emit.</summary>
    public static string EncodeBinary(byte[] value)
    {
        var encoded = Convert.ToBase64String(value);
        return encoded.TrimEnd('=');
    }

    /// <summary>Decodes padded or unpadded base64; a header may hold several comma-separated values.</summary>
    public static byte[] DecodeBinary(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        var padding = (4 - (value.Length % 4)) % 4;
        if (padding == 0)
        {
            return Convert.FromBase64String(value.ToString());
        }

        if (padding == 3)
        {
            throw new FormatException("Invalid base64 length.");
        }

        return Convert.FromBase64String(string.Concat(value, padding == 1 ? "=" : "=="));
    }

    public static void AddHeaderValues(Metadata metadata, string key, StringValues values)
    {
        var lowerKey = key.ToLowerInvariant();
        var binary = Metadata.Entry.IsBinaryKey(lowerKey);
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            if (binary)
            {
                foreach (var range in value.AsSpan().Split(','))
                {
                    metadata.Add(Metadata.Entry.CreateUnchecked(lowerKey, DecodeBinary(value.AsSpan()[range])));
                }
            }
            else
            {
                metadata.Add(Metadata.Entry.CreateUnchecked(lowerKey, value));
            }
        }
    }

    public static string ToHeaderValue(Metadata.Entry entry) => entry.IsBinary ? EncodeBinary(entry.ValueBytes) : entry.Value;
}
