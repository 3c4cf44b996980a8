using CityBrain.Actors.Storage;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Actors.Tests.Storage;

/// <summary>
/// Commits that meet in one group-commit batch: on PostgreSQL the journal events, timer upserts and feed entries of
/// a batch are written as one statement per table, so these tests pin down what must not change with that: each
/// group is atomic, of two appends at one version exactly one wins, and a timer changed twice in a batch is one row
/// that one of the changes set (which one is the order of the writers, unspecified here since they do not wait for
/// each other; a grain's own changes are sequential).
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class BatchCommitTests(DatabaseFixture database)
{
    private const int Grains = 150;
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _clock = new(Start);

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TwoAppendsAtOneVersion_InOneBatch_ExactlyOneWinsWithItsTimerAndFeedEntry(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var silo = await TestSilo.StartAsync(kind, connection, _clock);
        var storage = silo.Services.GetRequiredService<IGrainStorage>();

        // Both writers of every grain are queued before any batch completes, so most pairs share a batch.
        var commits = new List<(GrainId Grain, int Writer, Task<bool> Committed)>();
        for (var g = 0; g < Grains; g++)
        {
            var grain = new GrainId("batch-test", $"g{g}");
            for (var writer = 0; writer < 2; writer++)
            {
                commits.Add((grain, writer, storage.CommitAsync(Append(grain, writer), CancellationToken.None)));
            }
        }

        await Task.WhenAll(commits.Select(c => c.Committed));

        var timers = new Dictionary<GrainId, StoredTimer>();
        await foreach (var timer in storage.ReadTimersAsync(CancellationToken.None))
        {
            if (timer.Grain.Type == "batch-test")
            {
                Assert.True(timers.TryAdd(timer.Grain, timer), $"two timers stored for {timer.Grain}");
            }
        }

        var feed = await storage.ReadFeedAsync("batch-test", 0, 10 * Grains, CancellationToken.None);
        Assert.Equal(Grains, feed.Count);
        foreach (var pair in commits.GroupBy(c => c.Grain))
        {
            var winners = pair.Where(c => c.Committed.Result).ToList();
            var winner = Assert.Single(winners).Writer;
            var journal = await storage.ReadJournalAsync(pair.Key, CancellationToken.None);
            var stored = Assert.Single(journal.Events);
            Assert.Equal(1, stored.Sequence);
            Assert.Equal(Bytes(winner), stored.Payload.Bytes);
            Assert.Equal(DueAt(winner), timers[pair.Key].DueAt);
            Assert.Equal(Bytes(winner), Assert.Single(feed, e => e.Grain.Equals(pair.Key)).Payload.Bytes);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OneTimerChangedTwice_InOneBatch_CommitsAsOneRow(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var silo = await TestSilo.StartAsync(kind, connection, _clock);
        var storage = silo.Services.GetRequiredService<IGrainStorage>();

        var commits = new List<Task<bool>>();
        for (var g = 0; g < Grains; g++)
        {
            var grain = new GrainId("batch-test", $"t{g}");
            commits.Add(storage.CommitAsync(SetTimer(grain, DueAt(0)), CancellationToken.None));
            commits.Add(storage.CommitAsync(SetTimer(grain, DueAt(1)), CancellationToken.None));
        }

        // Every group without a version check commits.
        Assert.All(await Task.WhenAll(commits), Assert.True);
        var dues = new Dictionary<GrainId, DateTimeOffset>();
        await foreach (var timer in storage.ReadTimersAsync(CancellationToken.None))
        {
            dues.Add(timer.Grain, timer.DueAt);
        }

        Assert.Equal(Grains, dues.Count);
        Assert.All(dues.Values, due => Assert.Contains(due, new[] { DueAt(0), DueAt(1) }));
    }

    private static WriteGroup Append(GrainId grain, int writer) => new()
    {
        Grain = grain,
        Kind = WriteKind.AppendEvents,
        ExpectedVersion = 0,
        Events = [(Start, new Payload(1, PayloadFormat.Protobuf, Bytes(writer)))],
        Timers = [new TimerChange("deadline", DueAt(writer), null)],
        Feed = [new FeedWrite("batch-test", new Payload(1, PayloadFormat.Protobuf, Bytes(writer)))],
        At = Start,
    };

    private static WriteGroup SetTimer(GrainId grain, DateTimeOffset due) => new()
    {
        Grain = grain,
        Kind = WriteKind.TimersOnly,
        Timers = [new TimerChange("deadline", due, null)],
        At = Start,
    };

    private static byte[] Bytes(int writer) => [(byte)(0xA0 + writer), 1, 2, 3];

    private static DateTimeOffset DueAt(int writer) => Start.AddMinutes(10 + writer);
}
