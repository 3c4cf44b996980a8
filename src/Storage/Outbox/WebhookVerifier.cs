using System.Globalization;
using System.Security.Cryptography;

namespace CityBrain.Storage;

/// <summary>What <see cref="WebhookVerifier.Verify"/> found.</summary>
public enum WebhookVerdict
{
    /// <summary>Signed with the key, within the replay window.</summary>
    Valid,

    /// <summary>A header is missing or malformed.</summary>
    Malformed,

    /// <summary>The signature does not match the body and timestamp (wrong key, or altered).</summary>
    BadSignature,

    /// <summary>The timestamp is outside the replay window: an old request replayed, or a clock far off.</summary>
    Stale,
}

/// <summary>
/// The receiver's side of <see cref="WebhookSignature"/>, for integrators and tests: recomputes the HMAC over
/// <c>"{timestamp}.{body}"</c>, compares it in constant time, and refuses a timestamp further than the replay window
/// from the receiver's clock. Within the window a replayed request verifies again; drop it by its
/// <see cref="WebhookSignature.IdempotencyKeyHeader"/>, which is also what makes a retried delivery harmless.
/// </summary>
public sealed class WebhookVerifier(string key, TimeSpan replayWindow, TimeProvider time)
{
    /// <summary>Checks one request: its timestamp and signature headers and its body exactly as received.</summary>
    public WebhookVerdict Verify(string? timestampHeader, string? signatureHeader, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !WebhookSignature.TryParse(signatureHeader, out var digest))
        {
            return WebhookVerdict.Malformed;
        }

        if (!CryptographicOperations.FixedTimeEquals(digest, WebhookSignature.Digest(key, timestamp, body)))
        {
            return WebhookVerdict.BadSignature;
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return age.Duration() > replayWindow ? WebhookVerdict.Stale : WebhookVerdict.Valid;
    }
}
