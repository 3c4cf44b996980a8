using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CityBrain.Storage;

/// <summary>
/// How a webhook delivery is signed: HMAC-SHA256, keyed with the subscriber's key (UTF-8), over the UTF-8 bytes of
/// <c>"{timestamp}.{body}"</c>, where timestamp is the <see cref="TimestampHeader"/> value (Unix seconds) and body the
/// request body exactly as sent; the signature header carries <c>v1=</c> and the lower-case hex digest.
/// </summary>
public static class WebhookSignature
{
    /// <summary>Unix seconds when the attempt was signed.</summary>
    public const string TimestampHeader = "X-CityBrain-Timestamp";

    /// <summary><c>v1=</c> followed by the hex HMAC-SHA256.</summary>
    public const string SignatureHeader = "X-CityBrain-Signature";

    /// <summary>The message id: the same on every attempt; receivers drop a key they have processed.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The ordering key (an incident id).</summary>
    public const string OrderingKeyHeader = "X-CityBrain-Ordering-Key";

    private const string Version = "v1=";

    /// <summary>The signature header value for <paramref name="body"/> sent at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Sign(string key, long timestamp, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(body);
        return Version + Convert.ToHexStringLower(Digest(key, timestamp, body));
    }

    internal static byte[] Digest(string key, long timestamp, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body));

    internal static bool TryParse(string? signature, out byte[] digest)
    {
        digest = [];
        if (signature is null || !signature.StartsWith(Version, StringComparison.Ordinal) || signature.Length != Version.Length + 64)
        {
            return false;
        }

        try
        {
            digest = Convert.FromHexString(signature.AsSpan(Version.Length));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
