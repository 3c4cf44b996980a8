namespace CityBrain.Storage;

/// <summary>A stored outbox message, as the admin API lists it.</summary>
/// <param name="Id">The idempotency key.</param>
/// <param name="Subscriber">The receiver.</param>
/// <param name="OrderingKey">The ordering key (an incident id).</param>
/// <param name="Payload">The JSON body.</param>
/// <param name="CreatedAt">When its transaction committed (the writer's clock).</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="NextAttemptAt">When it is tried next (pending messages).</param>
/// <param name="State">Where it stands.</param>
/// <param name="LastError">Why the last attempt failed.</param>
public sealed record OutboxRecord(
    string Id, string Subscriber, string OrderingKey, string Payload, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset NextAttemptAt, OutboxState State, string? LastError)
{
    /// <summary>The order of the message among all messages (the <c>seq</c> column).</summary>
    public long Sequence { get; init; }
}
