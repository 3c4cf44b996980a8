namespace CityBrain.Storage;

/// <summary>
/// A way of delivering outbox messages (a signed webhook, a log for development; SMS and IM gateways are
/// deployment-specific). Register implementations in the silo's container; a subscriber names its channel
/// (<see cref="OutboxSubscriberOptions.Channel"/>). A delivery succeeds when the method returns; any exception is a
/// failed attempt, retried with backoff, its message recorded as the message's last error.
/// </summary>
public interface IOutboxChannel
{
    /// <summary>The name subscribers use (<c>webhook</c>, <c>log</c>).</summary>
    string Name { get; }

    /// <summary>Delivers one message; returns only once the receiver accepted it.</summary>
    Task DeliverAsync(OutboxDelivery delivery, OutboxSubscriberOptions subscriber, CancellationToken cancellationToken);
}

/// <summary>One delivery attempt of an outbox message.</summary>
/// <param name="Id">The idempotency key: the same on every attempt, before and after restarts.</param>
/// <param name="Subscriber">The subscriber's name.</param>
/// <param name="OrderingKey">The ordering key (an incident id).</param>
/// <param name="Payload">The JSON body.</param>
/// <param name="CreatedAt">When the message was written.</param>
/// <param name="Attempt">1 for the first attempt.</param>
public sealed record OutboxDelivery(string Id, string Subscriber, string OrderingKey, string Payload, DateTimeOffset CreatedAt, int Attempt);
