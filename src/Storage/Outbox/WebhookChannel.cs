using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace CityBrain.Storage.Outbox;

/// <summary>
/// Posts each message's JSON body to the subscriber's URL, signed (<see cref="WebhookSignature"/>) with its key; any 2xx
/// answer is success, anything else (or no answer within <see cref="OutboxOptions.AttemptTimeout"/>) a failed attempt.
/// </summary>
internal sealed class WebhookChannel(HttpClient http, TimeProvider time) : IOutboxChannel
{
    public const string ChannelName = "webhook";

    public string Name => ChannelName;

    public async Task DeliverAsync(OutboxDelivery delivery, OutboxSubscriberOptions subscriber, CancellationToken cancellationToken)
    {
        var url = subscriber.Url ?? throw new InvalidOperationException($"Subscriber {delivery.Subscriber} has no Url.");
        var key = subscriber.Key ?? throw new InvalidOperationException($"Subscriber {delivery.Subscriber} has no Key.");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(key, timestamp, delivery.Payload));
        request.Headers.Add(WebhookSignature.IdempotencyKeyHeader, delivery.Id);
        request.Headers.Add(WebhookSignature.OrderingKeyHeader, delivery.OrderingKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }
}
