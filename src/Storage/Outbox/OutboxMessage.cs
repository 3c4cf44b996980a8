namespace CityBrain.Storage;

/// <summary>
/// A message for an outside party, staged with <see cref="IJournal{TState,TEvent}.Send"/> and written in the journal
/// append's transaction. It is delivered at least once to <paramref name="Subscriber"/>, after every earlier message of
/// the same subscriber and <paramref name="OrderingKey"/>.
/// </summary>
/// <param name="Subscriber">The receiver, configured under <c>CityBrain:Outbox:Subscribers:&lt;name&gt;</c>.</param>
/// <param name="OrderingKey">Messages of one key (an incident id) are delivered in the order they were written; one
/// writer (the incident's grain) per key keeps that order.</param>
/// <param name="Payload">The body, JSON.</param>
public sealed record OutboxMessage(string Subscriber, string OrderingKey, string Payload)
{
    /// <summary>The idempotency key the receiver sees, unchanged across retries and restarts. Default: a new
    /// time-ordered GUID chosen when the message is staged.</summary>
    public string? Id { get; init; }
}
