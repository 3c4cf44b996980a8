using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Actors.Tests.Storage;

[Collection(DatabaseCollection.Name)]
public sealed class FeedTests(DatabaseFixture database)
{
    private readonly ManualTimeProvider _clock = new();

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Feed_ConcurrentWriters_ReaderResumesWithoutGapOrRepeat(StorageKind kind)
    {
        await using var silo = await TestSilo.StartAsync(kind, await database.NewDatabaseAsync(kind), _clock);
        var feed = silo.Services.GetRequiredService<IFeedReader>();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(async g =>
        {
            for (var i = 0; i < 10; i++)
            {
                await silo.Grains.GetGrain<ICounterGrain>($"f{g}").Add(1);
            }
        }));

        // Read in pages, resuming from the last position seen each time.
        var seen = new List<FeedEntry<CounterChanged>>();
        long position = 0;
        while (true)
        {
            var page = await feed.ReadAsync<CounterChanged>("counters", position, 37, CancellationToken.None);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page);
            position = page[^1].Position;
        }

        Assert.Equal(500, seen.Count);
        Assert.Equal(seen.Select(e => e.Position).Order(), seen.Select(e => e.Position));
        Assert.Equal(500, seen.Select(e => e.Position).Distinct().Count());
        // Per grain, the values arrive in the order they were written.
        foreach (var perGrain in seen.GroupBy(e => e.Value.Counter))
        {
            Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), perGrain.Select(e => e.Value.Value));
        }
    }

    [Fact]
    public async Task Feed_FailedWrite_PublishesNothing()
    {
        var connection = await database.NewDatabaseAsync(StorageKind.Sqlite);
        await using var first = await TestSilo.StartAsync(StorageKind.Sqlite, connection, _clock);
        await using var second = await TestSilo.StartAsync(StorageKind.Sqlite, connection, _clock);
        await first.Grains.GetGrain<ICounterGrain>("stale").Get();
        await second.Grains.GetGrain<ICounterGrain>("stale").Get();
        await first.Grains.GetGrain<ICounterGrain>("stale").Add(1);

        await Assert.ThrowsAsync<StorageConflictException>(() => second.Grains.GetGrain<ICounterGrain>("stale").Add(100));

        var entries = await first.Services.GetRequiredService<IFeedReader>().ReadAsync<CounterChanged>("counters", 0, 100, CancellationToken.None);
        Assert.Equal([1L], entries.Select(e => e.Value.Value));
    }

    [Fact]
    public async Task WaitAsync_LocalWrite_WakesTheReaderAtOnce()
    {
        await using var silo = await TestSilo.StartAsync(StorageKind.Sqlite, await database.NewDatabaseAsync(StorageKind.Sqlite), _clock);
        var feed = silo.Services.GetRequiredService<IFeedReader>();

        var waiting = feed.WaitAsync("counters", 0, CancellationToken.None);
        Assert.False(waiting.IsCompleted); // the manual clock does not move: only the write can wake it
        await silo.Grains.GetGrain<ICounterGrain>("wake").Add(1);
        await waiting.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Single(await feed.ReadAsync<CounterChanged>("counters", 0, 10, CancellationToken.None));
    }
}
