namespace CityBrain.Storage;

/// <summary>Where a stored outbox message stands (the <c>state</c> column).</summary>
public enum OutboxState : short
{
    /// <summary>Waiting for delivery (or for its next attempt).</summary>
    Pending = 0,

    /// <summary>The receiver answered success. Deleted by its shard after <see cref="OutboxOptions.Retention"/>.</summary>
    Delivered = 1,

    /// <summary>A dead letter: <see cref="OutboxOptions.MaxAttempts"/> attempts failed. It still blocks the later
    /// messages of its subscriber and ordering key, until an administrator retries or discards it.</summary>
    Dead = 2,

    /// <summary>Discarded by an administrator; never delivered, kept for the record for
    /// <see cref="OutboxOptions.Retention"/>.</summary>
    Discarded = 3,
}
