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
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(source + "\u001f" + sourceEventId));
        var text = new StringBuilder("inc-", 24);
        var buffer = 0;
        var bits = 0;
        var index = 0;
        while (text.Length < 24)
        {
            if (bits < 5)
            {
                buffer = (buffer << 8) | hash[index++];
                bits += 8;
            }

            text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }

        return text.ToString();
    }

    /// <summary>The key of a camera channel grain: source, camera and alarm type.</summary>
    public static string Channel(string source, string cameraId, string alarmType) => $"{source}|{cameraId}|{alarmType}";

    /// <summary>The key of a daily index shard: local day and shard (16 shards).</summary>
    public static string IndexShard(string localDay, string incidentId) => $"{localDay}-{(uint)StringHash(incidentId) % IndexShards:D2}";

    /// <summary>Number of shards of the daily index.</summary>
    public const int IndexShards = 16;

    private static int StringHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked(hash * 31 + c);
        }

        return hash;
    }
}
