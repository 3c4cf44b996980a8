using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using CityBrain.Storage.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
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

    /// <summary>A journal store on the test database, outside any silo (dispose it).</summary>
    public static JournalStore OpenStore(DatabaseKind kind, string connection) =>
        new(new StorageOptions { Database = kind, ConnectionString = connection }, new BackgroundClock(TimeProvider.System), NullLogger<JournalStore>.Instance);

    /// <summary>The first event of grain <c>tally/{grainKey}</c>, at <see cref="StorageCluster.Start"/>, with
    /// <paramref name="messages"/> staged beside it.</summary>
    public static AppendRequest Append(string grainKey, params OutboxWrite[] messages) => new()
    {
        Grain = new StoredGrain("tally", grainKey),
        Events = [(StorageCluster.Start, new Payload(1, PayloadFormat.Json, "{}"u8.ToArray()))],
        Outbox = messages,
        At = StorageCluster.Start,
    };

    /// <summary>Commits <see cref="Append"/> of grain <paramref name="orderingKey"/> with one message to
    /// <see cref="Subscriber"/> per id (its payload the id), on ordering key <paramref name="orderingKey"/>.</summary>
    public static async Task CommitMessagesAsync(this JournalStore store, string orderingKey, params string[] ids) =>
        Assert.True(await store.CommitAsync(Append(orderingKey, [.. ids.Select(id => new OutboxWrite(id, Subscriber, orderingKey, id))])));
}
