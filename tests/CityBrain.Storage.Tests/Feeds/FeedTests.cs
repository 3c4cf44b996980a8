using CityBrain.Storage.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Storage.Tests.Feeds;

[Collection(DatabaseCollection.Name)]
public sealed class FeedTests(DatabaseFixture databases)
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Read_PagedWhileWritesGoOn_EveryEntryOnceInCommitOrder(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var silo = await StorageCluster.StartAsync(kind, connection);
        var feed = silo.SiloServices.GetRequiredService<IFeedReader>();

        var writing = Task.WhenAll(Enumerable.Range(0, 20).Select(async g =>
        {
            for (var i = 1; i <= 10; i++)
            {
                await silo.Grains.GetGrain<ITallyGrain>($"w{g}").Add([1], feed: "paged");
            }
        }));
        var seen = new List<FeedEntry<Published>>();
        var after = 0L;
        while (seen.Count < 200)
        {
            var page = await feed.ReadAsync<Published>("paged", after, 7, CancellationToken.None);
            seen.AddRange(page);
            after = page.Count > 0 ? page[^1].Position : after;
            if (page.Count == 0)
            {
                await feed.WhenWrittenAsync(CancellationToken.None);
            }
        }

        await writing;
        Assert.Equal(200, seen.Select(e => e.Position).Distinct().Count());
        Assert.True(seen.Select(e => e.Position).SequenceEqual(seen.Select(e => e.Position).Order()));
        Assert.All(Enumerable.Range(0, 20), g => Assert.Equal(Enumerable.Range(1, 10), seen.Where(e => e.Value.Grain == $"w{g}").Select(e => e.Value.Total)));
        Assert.Equal("tally", seen[0].Grain.Type.ToString());
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ReadTag_EntriesUnderTheTagOnly_InOrder(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var silo = await StorageCluster.StartAsync(kind, connection);
        var feed = silo.SiloServices.GetRequiredService<IFeedReader>();
        await silo.Grains.GetGrain<ITallyGrain>("t1").Add([1], feed: "days", tag: "day/1");
        await silo.Grains.GetGrain<ITallyGrain>("t2").Add([2], feed: "days", tag: "day/2");
        await silo.Grains.GetGrain<ITallyGrain>("t3").Add([3], feed: "days", tag: "day/1");
        await silo.Grains.GetGrain<ITallyGrain>("t4").Add([4], feed: "days");

        var day1 = await feed.ReadTagAsync<Published>("day/1", 0, 10, CancellationToken.None);
        var all = await feed.ReadAsync<Published>("days", 0, 10, CancellationToken.None);

        Assert.Equal(["t1", "t3"], day1.Select(e => e.Value.Grain));
        Assert.Equal(["t3"], (await feed.ReadTagAsync<Published>("day/1", day1[0].Position, 10, CancellationToken.None)).Select(e => e.Value.Grain));
        Assert.Equal(["t1", "t2", "t3", "t4"], all.Select(e => e.Value.Grain));
        Assert.Equal(all[^1].Position, await feed.LastPositionAsync(CancellationToken.None));
    }
}
