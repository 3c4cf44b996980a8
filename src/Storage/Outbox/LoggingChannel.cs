using CityBrain.Storage.Internal;
using Microsoft.Extensions.Logging;

namespace CityBrain.Storage.Outbox;

/// <summary>For development: "delivers" by writing a log line with the message's id, subscriber, ordering key and
/// size. The body is not logged: it may carry personal information.</summary>
internal sealed class LoggingChannel(ILogger<LoggingChannel> logger) : IOutboxChannel
{
    public const string ChannelName = "log";

    public string Name => ChannelName;

    public Task DeliverAsync(OutboxDelivery delivery, OutboxSubscriberOptions subscriber, CancellationToken cancellationToken)
    {
        StorageLog.OutboxLogged(logger, delivery.Subscriber, delivery.OrderingKey, delivery.Id, delivery.Payload.Length, delivery.Attempt);
        return Task.CompletedTask;
    }
}
