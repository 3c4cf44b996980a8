using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using CityBrain.Storage.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Storage.Tests.Journal;

[Collection(DatabaseCollection.Name)]
public sealed class JournalTests(DatabaseFixture databases)
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Confirm_ThenRestart_ReplaysSnapshotAndEventsToTheSameState(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await AddOneToSevenAsync(kind, connection, "a");

        await using var restarted = await StorageCluster.StartAsync(kind, connection);
        var reloaded = restarted.Grains.GetGrain<ITallyGrain>("a");

        Assert.Equal(new Tally { Total = 28, Count = 7 }, await reloaded.Get());
        Assert.Equal(7, await reloaded.Version());
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7 }, await reloaded.Journal(0, 100));
        Assert.Equal(new[] { 6, 7 }, await reloaded.Journal(5, 100));
        Assert.Equal(1, await SnapshotCountAsync(kind, connection));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Restart_FoldRefusesTheSnapshot_ReplaysEveryEventWithItsRules(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await AddOneToSevenAsync(kind, connection, "revised"); // a snapshot of TallyFold's 28

        await using var restarted = await StorageCluster.StartAsync(kind, connection, fold: new DoublingTallyFold());
        var reloaded = restarted.Grains.GetGrain<ITallyGrain>("revised");

        Assert.Equal(1, await SnapshotCountAsync(kind, connection));
        Assert.Equal(new Tally { Total = 56, Count = 7 }, await reloaded.Get());
        Assert.Equal(7, await reloaded.Version());
        Assert.Equal(8, await reloaded.Add([1])); // appends go on after the replayed events
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Confirm_AnotherActivationAppendedFirst_RefusedNothingWrittenAndTheGrainReloads(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var silo = await StorageCluster.StartAsync(kind, connection);
        var grain = silo.Grains.GetGrain<ITallyGrain>("contested");
        await grain.Add([10]);

        // Another activation (e.g. on a silo that had not yet learned of a membership change) appends event 2 first.
        var store = silo.SiloServices.GetRequiredService<JournalStore>();
        var other = await store.CommitAsync(new AppendRequest
        {
            Grain = new StoredGrain("tally", "contested"),
            ExpectedVersion = 1,
            Events = [(StorageCluster.Start, PayloadCodec<Added>.Encode(new Added(100)))],
            Feed = [new FeedWrite("test", null, PayloadCodec<Published>.Encode(new Published("other", 110)))],
            At = StorageCluster.Start,
        });
        Assert.True(other);

        var refused = await Assert.ThrowsAsync<JournalConflictException>(() => grain.Add([1], feed: "test"));

        Assert.Contains("tally/contested", refused.Message);
        Assert.Equal(new Tally { Total = 110, Count = 2 }, await grain.Get()); // reloaded: the other append, not ours
        var entries = await silo.SiloServices.GetRequiredService<IFeedReader>().ReadAsync<Published>("test", 0, 100, CancellationToken.None);
        Assert.Equal(["other"], entries.Select(e => e.Value.Grain));
        Assert.Equal(3, await grain.Add([5]));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Commit_TwoAppendsAtOneVersionInOneBatch_ExactlyOneWinsWithItsFeedEntry(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var silo = await StorageCluster.StartAsync(kind, connection);
        var store = silo.SiloServices.GetRequiredService<JournalStore>();
        AppendRequest Append(int amount) => new()
        {
            Grain = new StoredGrain("tally", "race"),
            ExpectedVersion = 0,
            Events = [(StorageCluster.Start, PayloadCodec<Added>.Encode(new Added(amount)))],
            Feed = [new FeedWrite("race", null, PayloadCodec<Published>.Encode(new Published("race", amount)))],
            Deadlines = [new DeadlineChange("d", StorageCluster.Start.AddHours(amount))],
            At = StorageCluster.Start,
        };

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => store.CommitAsync(Append(i))));

        Assert.Equal(1, results.Count(r => r));
        var winner = Array.IndexOf(results, true) + 1;
        var entries = await silo.SiloServices.GetRequiredService<IFeedReader>().ReadAsync<Published>("race", 0, 100, CancellationToken.None);
        Assert.Equal([winner], entries.Select(e => e.Value.Total));
        Assert.Equal(new Tally { Total = winner, Count = 1 }, await silo.Grains.GetGrain<ITallyGrain>("race").Get());
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Confirm_ManyGrainsAtOnce_GroupCommitLosesNothing(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var silo = await StorageCluster.StartAsync(kind, connection);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            var grain = silo.Grains.GetGrain<ITallyGrain>($"g{i}");
            for (var round = 1; round <= 3; round++)
            {
                await grain.Add([i], feed: "many");
            }
        }));

        var entries = await silo.SiloServices.GetRequiredService<IFeedReader>().ReadAsync<Published>("many", 0, 10_000, CancellationToken.None);
        Assert.Equal(900, entries.Count);
        Assert.Equal(900, entries.Select(e => e.Position).Distinct().Count());
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal([i, 2 * i, 3 * i], entries.Where(e => e.Value.Grain == $"g{i}").Select(e => e.Value.Total)));
        Assert.Equal(900, await EventCountAsync(kind, connection));
    }

    /// <summary>On a silo of its own: 1..7 added to a tally in two confirmations; the second crosses the snapshot interval
    /// (5), so the state after all seven is stored as a snapshot with it.</summary>
    private static async Task AddOneToSevenAsync(DatabaseKind kind, string connection, string key)
    {
        await using var silo = await StorageCluster.StartAsync(kind, connection);
        var grain = silo.Grains.GetGrain<ITallyGrain>(key);
        await grain.Add([1, 2, 3]);
        await grain.Add([4, 5, 6, 7]);
    }

    private static Task<long> SnapshotCountAsync(DatabaseKind kind, string connection) =>
        Schema.SchemaMigratorTests.ScalarAsync(kind, connection, "SELECT count(*) FROM grain_snapshot");

    private static Task<long> EventCountAsync(DatabaseKind kind, string connection) =>
        Schema.SchemaMigratorTests.ScalarAsync(kind, connection, "SELECT count(*) FROM grain_journal");
}
