namespace CityBrain.Gateway;

/// <summary>
/// Per-caller rate limits (configuration section <c>CityBrain:RateLimits</c>): a token bucket per feed source, or per
/// user for the other roles. Each call, and each event of a stream, takes one token. A unary or server-streaming
/// call beyond the limit is refused with RESOURCE_EXHAUSTED; a stream waits for tokens (up to
/// <see cref="QueueLimit"/> events queued), which slows its sender through HTTP/2 flow control.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CityBrain:RateLimits";

    /// <summary>Whether limits apply at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The bucket size: the largest burst. Default 40,000.</summary>
    public int TokenLimit { get; set; } = 40_000;

    /// <summary>Tokens added every <see cref="ReplenishmentPeriod"/>. Default 2,000 (with 100 ms: 20,000 per second).</summary>
    public int TokensPerPeriod { get; set; } = 2_000;

    /// <summary>How often tokens are added. Default 100 ms.</summary>
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many stream events may wait for tokens before further ones are refused. Default 10,000.</summary>
    public int QueueLimit { get; set; } = 10_000;
}
