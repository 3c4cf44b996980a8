using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.Hosting;
using CityBrain.Storage;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Gateway.Tests.WorkOrders;

/// <summary>A <see cref="GatewayServer"/> whose 12345 source (<see cref="Source"/>) hears back through the outbox: its
/// replies go to subscriber <see cref="Subscriber"/>, a signed webhook to <see cref="Platform"/> (a fake hotline
/// platform on a loopback port).</summary>
public sealed class HotlineServer : GatewayServer, IAsyncLifetime
{
    public const string Source = "12345";
    public const string Subscriber = "hotline-12345";
    public const string Key = "hotline-webhook-key-for-tests";

    public WebhookReceiver Platform { get; } = new();

    protected override void ConfigureGrains(CityBrainGrainsOptions options)
    {
        base.ConfigureGrains(options);
        options.Replies[Source] = Subscriber;
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<OutboxOptions>(o => o.Subscribers[Subscriber] = new OutboxSubscriberOptions { Url = new Uri(Platform.Url, "callback"), Key = Key });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Platform.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HotlineCollection : ICollectionFixture<HotlineServer>
{
    public const string Name = "hotline";
}
