namespace CityBrain.Storage;

/// <summary>Delivery of the durable outbox (configuration section <c>CityBrain:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CityBrain:Outbox";

    /// <summary>Attempts before a message becomes a dead letter. Default 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait after the first failed attempt; it doubles after each further one. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts. Default 5 min.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it counts as failed. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Ordering keys one shard delivers to at once, for each subscriber (a slow receiver fills its own slots,
    /// not the others'). Default 32.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 32;

    /// <summary>How long delivered and discarded messages are kept (from their delivery or discard) before their shard
    /// deletes them; pending and dead messages are kept whatever their age. Default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each shard deletes the messages past <see cref="Retention"/>. Default 1 min.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows one purge statement deletes at most, each statement a short transaction of its own, so a purge
    /// never holds many locks or a long transaction. Default 1,000.</summary>
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>The receivers, by name (<c>CityBrain:Outbox:Subscribers:&lt;name&gt;</c>).</summary>
    public Dictionary<string, OutboxSubscriberOptions> Subscribers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The wait after <paramref name="attempts"/> failed attempts: <see cref="BaseDelay"/> doubled per attempt
    /// after the first, at most <see cref="MaxDelay"/>.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = BaseDelay.Ticks * Math.Pow(2, exponent);
        return delay >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)delay);
    }
}

/// <summary>One receiver of outbox messages.</summary>
public sealed class OutboxSubscriberOptions
{
    /// <summary>The channel that delivers to it: <c>webhook</c> (default) or <c>log</c>, or a deployment's own.</summary>
    public string Channel { get; set; } = "webhook";

    /// <summary>Where the webhook posts (absolute http or https URL).</summary>
    public Uri? Url { get; set; }

    /// <summary>The webhook's HMAC-SHA256 key, shared with the receiver (a secret: keep it out of source control).</summary>
    public string? Key { get; set; }
}
