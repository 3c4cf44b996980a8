using Microsoft.Extensions.Options;

namespace CityBrain.Storage.Outbox;

/// <summary>Stops start-up on an outbox setting that cannot work, naming the key.</summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var errors = new List<string>();
        if (options.MaxAttempts < 1)
        {
            errors.Add($"{OutboxOptions.Section}:MaxAttempts must be at least 1.");
        }

        if (options.BaseDelay <= TimeSpan.Zero || options.MaxDelay < options.BaseDelay)
        {
            errors.Add($"{OutboxOptions.Section}:BaseDelay must be positive and MaxDelay at least BaseDelay.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.MaxConcurrentDeliveries < 1)
        {
            errors.Add($"{OutboxOptions.Section}:AttemptTimeout must be positive and MaxConcurrentDeliveries at least 1.");
        }

        if (options.Retention <= TimeSpan.Zero)
        {
            errors.Add($"{OutboxOptions.Section}:Retention must be positive (how long delivered and discarded messages are kept, e.g. 7.00:00:00); it is {options.Retention}.");
        }

        if (options.PurgeInterval <= TimeSpan.Zero || options.PurgeBatchSize is < 1 or > 100_000)
        {
            errors.Add($"{OutboxOptions.Section}:PurgeInterval must be positive and PurgeBatchSize between 1 and 100000.");
        }

        foreach (var (subscriber, settings) in options.Subscribers)
        {
            var key = $"{OutboxOptions.Section}:Subscribers:{subscriber}";
            if (settings.Channel != WebhookChannel.ChannelName)
            {
                continue;
            }

            if (settings.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{key}:Url must be an absolute http or https URL.");
            }

            if (string.IsNullOrEmpty(settings.Key))
            {
                errors.Add($"{key}:Key is required for a webhook (the HMAC-SHA256 key).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
