using CityBrain.Storage.Internal;
using CityBrain.Storage.Outbox;
using CityBrain.Storage.Tests.Infrastructure;

namespace CityBrain.Storage.Tests.Outbox;

/// <summary>Retention of settled outbox messages (CityBrain:Outbox:Retention): delivered and discarded rows past it are
/// deleted by their shard; pending and dead rows of any age stay; lanes keep their order afterwards.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class OutboxRetentionTests(DatabaseFixture databases)
{
    private const string Hotline = OutboxSilo.Subscriber;

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-1.00:00:00")]
    public void Validate_RetentionNotPositive_FailsNamingTheKey(string retention)
    {
        var options = new OutboxOptions { Retention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture), PurgeBatchSize = 0 };

        var result = new CityBrain.Storage.Outbox.OutboxOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                $"CityBrain:Outbox:Retention must be positive (how long delivered and discarded messages are kept, e.g. 7.00:00:00); it is {options.Retention}.",
                "CityBrain:Outbox:PurgeInterval must be positive and PurgeBatchSize between 1 and 100000.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_Defaults_KeepSettledMessagesSevenDaysAndPass()
    {
        var options = new OutboxOptions();

        var result = new CityBrain.Storage.Outbox.OutboxOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded);
        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromMinutes(1), 1000), (options.Retention, options.PurgeInterval, options.PurgeBatchSize));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task PurgeOutbox_SettledBeforeTheCutoff_DeletedInBatchesOfItsShardOnly_OpenAndRecentStay(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var store = OutboxSilo.OpenStore(kind, connection);
        var keys = Enumerable.Range(0, 10_000).Select(i => $"incident-{i}").Where(k => Shards.OfOrderingKey(k) == 3).Take(2).ToArray();
        var otherShard = Enumerable.Range(0, 10_000).Select(i => $"incident-{i}").First(k => Shards.OfOrderingKey(k) != 3);
        var old = StorageCluster.Start;
        var cutoff = old.AddDays(7);
        var recent = cutoff.AddSeconds(1);

        await store.CommitMessagesAsync(keys[0], "delivered-1", "delivered-2", "delivered-3", "delivered-recent", "pending-old");
        await store.CommitMessagesAsync(keys[1], "dead-old", "discarded-old", "discarded-recent");
        await store.CommitMessagesAsync(otherShard, "delivered-other-shard");
        foreach (var id in new[] { "delivered-1", "delivered-2", "delivered-3", "delivered-other-shard" })
        {
            Assert.Equal(1, await store.MarkOutboxDeliveredAsync([new OutboxDelivered(id, 1, old)], CancellationToken.None));
        }

        Assert.Equal(1, await store.MarkOutboxDeliveredAsync([new OutboxDelivered("delivered-recent", 1, recent)], CancellationToken.None));
        foreach (var id in new[] { "dead-old", "discarded-old", "discarded-recent" })
        {
            Assert.True(await store.MarkOutboxFailedAsync(id, 10, dead: true, old, "refused", CancellationToken.None));
        }

        Assert.True(await store.DiscardOutboxAsync("discarded-old", old, CancellationToken.None));
        Assert.True(await store.DiscardOutboxAsync("discarded-recent", recent, CancellationToken.None));

        var deliveredBatches = new[]
        {
            await store.PurgeOutboxAsync(3, OutboxState.Delivered, cutoff, 2, CancellationToken.None),
            await store.PurgeOutboxAsync(3, OutboxState.Delivered, cutoff, 2, CancellationToken.None),
            await store.PurgeOutboxAsync(3, OutboxState.Delivered, cutoff, 2, CancellationToken.None),
        };
        var discarded = await store.PurgeOutboxAsync(3, OutboxState.Discarded, cutoff, 2, CancellationToken.None);

        Assert.Equal([2, 1, 0], deliveredBatches);
        Assert.Equal(1, discarded);
        foreach (var gone in new[] { "delivered-1", "delivered-2", "delivered-3", "discarded-old" })
        {
            Assert.Null(await store.ReadOutboxAsync(gone, CancellationToken.None));
        }

        Assert.Equal(OutboxState.Delivered, (await store.ReadOutboxAsync("delivered-recent", CancellationToken.None))!.State);
        Assert.Equal(OutboxState.Delivered, (await store.ReadOutboxAsync("delivered-other-shard", CancellationToken.None))!.State);
        Assert.Equal(OutboxState.Discarded, (await store.ReadOutboxAsync("discarded-recent", CancellationToken.None))!.State);
        Assert.Equal(OutboxState.Pending, (await store.ReadOutboxAsync("pending-old", CancellationToken.None))!.State);
        Assert.Equal(OutboxState.Dead, (await store.ReadOutboxAsync("dead-old", CancellationToken.None))!.State);

        // Pending and dead are never purged, whatever the caller asks.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PurgeOutboxAsync(3, OutboxState.Pending, cutoff.AddYears(10), 10, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PurgeOutboxAsync(3, OutboxState.Dead, cutoff.AddYears(10), 10, CancellationToken.None));
        Assert.NotNull(await store.ReadOutboxAsync("pending-old", CancellationToken.None));
        Assert.NotNull(await store.ReadOutboxAsync("dead-old", CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Shard_PastTheRetention_DeletesDeliveredAndDiscarded_KeepsRecentPendingAndDead_AndLanesKeepTheirOrder(DatabaseKind kind)
    {
        using var outcomes = new OutboxOutcomes();
        var (silo, channel) = await OutboxSilo.StartAsync(kind, await databases.NewMigratedDatabaseAsync(kind), configure: o =>
        {
            o.MaxAttempts = 1;
            o.Retention = TimeSpan.FromDays(1);
            o.PurgeInterval = TimeSpan.FromMinutes(1);
            o.PurgeBatchSize = 1; // several statements per pass
        });
        await using var _ = silo;
        var admin = silo.Admin();
        await outcomes.WaitPurgePassesAsync(silo, 1);

        // At the start: two delivered (lane a); a discarded dead letter and the message it held back, delivered (lane
        // x); a dead letter and the pending message behind it (lane d).
        var a = await silo.Grains.GetGrain<ITallyGrain>("a").AddAndSend(1, Hotline, "incident-a", ["a1", "a2"]);
        await outcomes.WaitAsync(Hotline, "delivered", 2);
        channel.FailNext(1);
        var x = await silo.Grains.GetGrain<ITallyGrain>("x").AddAndSend(1, Hotline, "incident-x", ["x1", "x2"]);
        await outcomes.WaitAsync(Hotline, "dead", 1);
        Assert.True(await admin.DiscardAsync(x[0]));
        await outcomes.WaitAsync(Hotline, "delivered", 3);
        channel.FailNext(1);
        var d = await silo.Grains.GetGrain<ITallyGrain>("d").AddAndSend(1, Hotline, "incident-d", ["d1", "d2"]);
        await outcomes.WaitAsync(Hotline, "dead", 2);

        // Half a day later: one delivered (lane r) and one discarded (lane y), recent when the retention passes.
        await silo.AdvanceAsync(TimeSpan.FromHours(12));
        await outcomes.WaitPurgePassesAsync(silo, 2);
        Assert.Equal(0, outcomes.Purged(silo));
        var r = await silo.Grains.GetGrain<ITallyGrain>("r").AddAndSend(1, Hotline, "incident-r", ["r1"]);
        await outcomes.WaitAsync(Hotline, "delivered", 4);
        channel.FailNext(1);
        var y = await silo.Grains.GetGrain<ITallyGrain>("y").AddAndSend(1, Hotline, "incident-y", ["y1"]);
        await outcomes.WaitAsync(Hotline, "dead", 3);
        Assert.True(await admin.DiscardAsync(y[0]));

        // A day and a minute after the start: what settled at the start is past the retention.
        await silo.AdvanceAsync(TimeSpan.FromHours(12).Add(TimeSpan.FromMinutes(1)));
        await outcomes.WaitPurgePassesAsync(silo, 3);

        Assert.Equal(4, outcomes.Purged(silo));
        foreach (var gone in new[] { a[0], a[1], x[0], x[1] })
        {
            Assert.Null(await admin.GetAsync(gone));
        }

        Assert.Equal(OutboxState.Delivered, (await admin.GetAsync(r[0]))!.State);
        Assert.Equal(OutboxState.Discarded, (await admin.GetAsync(y[0]))!.State);
        Assert.Equal(OutboxState.Dead, (await admin.GetAsync(d[0]))!.State);
        Assert.Equal(OutboxState.Pending, (await admin.GetAsync(d[1]))!.State);
        Assert.Equal([d[0]], (await admin.ListAsync(OutboxState.Dead)).Select(m => m.Id));

        // After the purge: lane a's next messages go out in order, and lane d's dead letter, retried, still goes
        // before the message it held back.
        var later = await silo.Grains.GetGrain<ITallyGrain>("a").AddAndSend(2, Hotline, "incident-a", ["a3", "a4"]);
        await outcomes.WaitAsync(Hotline, "delivered", 6);
        Assert.True(await admin.RetryAsync(d[0]));
        await outcomes.WaitAsync(Hotline, "delivered", 8);

        Assert.Equal([a[0], a[1], later[0], later[1]], Lane("incident-a"));
        Assert.Equal([d[0], d[0], d[1]], Lane("incident-d"));
        Assert.Equal(OutboxState.Delivered, (await admin.GetAsync(d[1]))!.State);

        string[] Lane(string orderingKey) => [.. channel.Attempts.Where(t => t.Delivery.OrderingKey == orderingKey).Select(t => t.Delivery.Id)];
    }
}
