using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace CityBrain.Grains.Incidents;

/// <summary>
/// Incident ids are derived from the idempotency key (<c>source</c>, <c>source_event_id</c>), so the incident grain
/// itself is the idempotency index: a retried event reaches the same grain, which already holds the incident, with
/// one lookup and no separate index write.
/// </summary>
public static class IncidentIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The incident id of an event: <c>inc-</c> and 20 base-32 characters of SHA-256(source, event id) (100 bits).</summary>
    public static string For(string source, string sourceEventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(sourceEventId);

        // Computed for every submitted event: hashed from a stack buffer, no intermediate strings or arrays.
        var length = Encoding.UTF8.GetByteCount(source) + 1 + Encoding.UTF8.GetByteCount(sourceEventId);
        var rented = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            var written = Encoding.UTF8.GetBytes(source, input);
            input[written++] = 0x1f;
            Encoding.UTF8.GetBytes(sourceEventId, input[written..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(input, hash);
            return Encode(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary><c>inc-</c> and the first 100 bits of <paramref name="hash"/> in base 32.</summary>
    private static string Encode(ReadOnlySpan<byte> hash)
    {
        Span<char> text = stackalloc char[24];
        "inc-".CopyTo(text);
        var buffer = 0;
        var bits = 0;
        var index = 0;
        for (var i = 4; i < text.Length; i++)
        {
            if (bits < 5)
            {
                buffer = (buffer << 8) | hash[index++];
                bits += 8;
            }

            text[i] = Alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }

        return new string(text);
    }

    /// <summary>The key of a camera channel grain: source, camera and alarm type; an exercise's alerts (a feed's
    /// exercise alarms) form a channel of their own, so they never merge into a real incident.</summary>
    public static string Channel(string source, string cameraId, string alarmType, bool exercise = false) =>
        exercise ? $"{source}|{cameraId}|{alarmType}|exercise" : $"{source}|{cameraId}|{alarmType}";
}
