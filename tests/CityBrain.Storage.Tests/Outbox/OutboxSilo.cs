using CityBrain.Storage.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Storage.Tests.Outbox;

/// <summary>Starts a <see cref="StorageCluster"/> whose outbox delivers subscriber <see cref="Subscriber"/> through a
/// <see cref="RecordingChannel"/> (1 s base delay unless the caller configures otherwise).</summary>
internal static class OutboxSilo
{
    public const string Subscriber = "hotline";

    public static async Task<(StorageCluster Silo, RecordingChannel Channel)> StartAsync(
        DatabaseKind kind, string connection, FakeTimeProvider? time = null, Action<OutboxOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        time ??= new FakeTimeProvider(StorageCluster.Start);
        var channel = new RecordingChannel(time);
        var silo = await StorageCluster.StartAsync(kind, connection, time, services: s =>
        {
            s.AddSingleton<IOutboxChannel>(channel);
            s.Configure<OutboxOptions>(o =>
            {
                o.BaseDelay = TimeSpan.FromSeconds(1);
                o.Subscribers[Subscriber] = new OutboxSubscriberOptions { Channel = RecordingChannel.ChannelName };
                configure?.Invoke(o);
            });
            services?.Invoke(s);
        });
        return (silo, channel);
    }

    public static OutboxAdmin Admin(this StorageCluster silo) => silo.SiloServices.GetRequiredService<OutboxAdmin>();
}
