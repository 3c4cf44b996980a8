using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using CityBrain.Storage.Outbox;
using CityBrain.Storage.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Storage.Tests.Outbox;

[Collection(DatabaseCollection.Name)]
public sealed class OutboxDeliveryTests(DatabaseFixture databases)
{
    private const string Hotline = OutboxSilo.Subscriber;

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Commit_AppendLosesTheVersionRace_WritesNoOutboxMessage(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var store = OutboxSilo.OpenStore(kind, connection);

        var first = await store.CommitAsync(OutboxSilo.Append("raced", new OutboxWrite("won", Hotline, "incident-1", """{"id":"won"}""")));
        var second = await store.CommitAsync(OutboxSilo.Append("raced", new OutboxWrite("lost", Hotline, "incident-1", """{"id":"lost"}""")));

        Assert.True(first);
        Assert.False(second);
        var pending = await store.ReadOutboxAsync(OutboxState.Pending, 0, 10, CancellationToken.None);
        Assert.Equal(["won"], pending.Select(m => m.Id));
        Assert.Null(await store.ReadOutboxAsync("lost", CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Commit_MessageIdAlreadyStored_KeptOnceAndTheOtherAppendsOfTheBatchCommit(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var store = OutboxSilo.OpenStore(kind, connection);

        var appends = await Task.WhenAll(
            store.CommitAsync(OutboxSilo.Append("a", new OutboxWrite("same-id", Hotline, "incident-a", "first"))),
            store.CommitAsync(OutboxSilo.Append("b", new OutboxWrite("same-id", Hotline, "incident-b", "second"))),
            store.CommitAsync(OutboxSilo.Append("c", new OutboxWrite("other-id", Hotline, "incident-c", "third"))));

        Assert.Equal([true, true, true], appends);
        var pending = await store.ReadOutboxAsync(OutboxState.Pending, 0, 10, CancellationToken.None);
        Assert.Equal(["same-id", "other-id"], pending.Select(m => m.Id));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Send_WithTheAppend_DeliveredInOrderWithItsIdAndMarkedDelivered(DatabaseKind kind)
    {
        using var outcomes = new OutboxOutcomes();
        var (silo, channel) = await OutboxSilo.StartAsync(kind, await databases.NewMigratedDatabaseAsync(kind));
        await using var _ = silo;
        var grain = silo.Grains.GetGrain<ITallyGrain>("ordered");

        var first = await grain.AddAndSend(1, Hotline, "incident-1", ["""{"step":"accepted"}""", """{"step":"assigned"}"""]);
        var second = await grain.AddAndSend(2, Hotline, "incident-1", ["""{"step":"closed"}"""]);
        await outcomes.WaitAsync(Hotline, "delivered", 3);

        Assert.Equal([.. first, .. second], channel.Attempts.Select(a => a.Delivery.Id));
        Assert.Equal(["""{"step":"accepted"}""", """{"step":"assigned"}""", """{"step":"closed"}"""], channel.Attempts.Select(a => a.Delivery.Payload));
        Assert.All(channel.Attempts, a => Assert.Equal((1, "incident-1"), (a.Delivery.Attempt, a.Delivery.OrderingKey)));
        var stored = await silo.Admin().GetAsync(second[0]);
        Assert.Equal((OutboxState.Delivered, 1), (stored!.State, stored.Attempts));
        Assert.Empty(await silo.Admin().ListAsync(OutboxState.Pending));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Deliver_HeadFails_BlocksLaterMessagesOfItsIncidentOnly(DatabaseKind kind)
    {
        using var outcomes = new OutboxOutcomes();
        var (silo, channel) = await OutboxSilo.StartAsync(kind, await databases.NewMigratedDatabaseAsync(kind));
        await using var _ = silo;
        channel.FailNext(1);
        var blocked = await silo.Grains.GetGrain<ITallyGrain>("a").AddAndSend(1, Hotline, "incident-a", ["a1", "a2"]);
        await outcomes.WaitAsync(Hotline, "failed");

        var other = await silo.Grains.GetGrain<ITallyGrain>("b").AddAndSend(1, Hotline, "incident-b", ["b1"]);
        await outcomes.WaitAsync(Hotline, "delivered");

        // a2 waits behind a1, whose retry is due a second after its failed attempt; b1 went out meanwhile.
        Assert.Equal([blocked[0], other[0]], channel.Attempts.Select(a => a.Delivery.Id));
        Assert.Equal(OutboxState.Pending, (await silo.Admin().GetAsync(blocked[1]))!.State);

        await silo.AdvanceAsync(TimeSpan.FromSeconds(1));
        await outcomes.WaitAsync(Hotline, "delivered", 3);

        Assert.Equal([blocked[0], other[0], blocked[0], blocked[1]], channel.Attempts.Select(a => a.Delivery.Id));
        Assert.Equal([1, 1, 2, 1], channel.Attempts.Select(a => a.Delivery.Attempt));
    }

    /// <summary>A receiver that takes long to answer one incident's message (held here until released; the attempt
    /// timeout is 10 min) holds up neither another incident on the same shard nor that incident's own order.</summary>
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Deliver_SlowReceiverOnOneIncident_OthersOnItsShardDeliveredMeanwhile_ItsOwnAfterwardsInOrder(DatabaseKind kind)
    {
        using var outcomes = new OutboxOutcomes();
        var (silo, channel) = await OutboxSilo.StartAsync(kind, await databases.NewMigratedDatabaseAsync(kind), configure: o => o.AttemptTimeout = TimeSpan.FromMinutes(10));
        await using var _ = silo;
        const string SlowKey = "incident-slow";
        var fastKey = Enumerable.Range(0, 1000).Select(i => $"incident-fast-{i}").First(k => Shards.OfOrderingKey(k) == Shards.OfOrderingKey(SlowKey));
        var release = channel.Hold(SlowKey);
        var slow = await silo.Grains.GetGrain<ITallyGrain>("slow").AddAndSend(1, Hotline, SlowKey, ["s1", "s2"]);
        await channel.WaitAsync(attempts => attempts.Any(a => a.Delivery.Id == slow[0]));

        var fast = await silo.Grains.GetGrain<ITallyGrain>("fast").AddAndSend(1, Hotline, fastKey, ["f1", "f2"]);
        await outcomes.WaitAsync(Hotline, "delivered", 2);

        Assert.Equal(OutboxState.Delivered, (await silo.Admin().GetAsync(fast[1]))!.State);
        Assert.Equal(OutboxState.Pending, (await silo.Admin().GetAsync(slow[0]))!.State);
        Assert.Equal([slow[0], fast[0], fast[1]], channel.Attempts.Select(a => a.Delivery.Id)); // the held one started once

        release();
        await outcomes.WaitAsync(Hotline, "delivered", 4);
        Assert.Equal([slow[0], fast[0], fast[1], slow[1]], channel.Attempts.Select(a => a.Delivery.Id));
        Assert.All(channel.Attempts, a => Assert.Equal(1, a.Delivery.Attempt));
        Assert.Empty(await silo.Admin().ListAsync(OutboxState.Pending));
    }

    /// <summary>Each subscriber has its own delivery slots: with one slot each, a hotline message held by its receiver
    /// does not keep another subscriber's message on the same shard waiting.</summary>
    [Fact]
    public async Task Deliver_SlowReceiverFillsItsOwnSlots_AnotherSubscriberOnItsShardDeliveredMeanwhile()
    {
        using var outcomes = new OutboxOutcomes();
        const string GridHead = "grid-head";
        var (silo, channel) = await OutboxSilo.StartAsync(DatabaseKind.Sqlite, await databases.NewMigratedDatabaseAsync(DatabaseKind.Sqlite), configure: o =>
        {
            o.AttemptTimeout = TimeSpan.FromMinutes(10);
            o.MaxConcurrentDeliveries = 1;
            o.Subscribers[GridHead] = new OutboxSubscriberOptions { Channel = RecordingChannel.ChannelName };
        });
        await using var _ = silo;
        const string SlowKey = "incident-slow";
        var otherKey = Enumerable.Range(0, 1000).Select(i => $"incident-other-{i}").First(k => Shards.OfOrderingKey(k) == Shards.OfOrderingKey(SlowKey));
        var release = channel.Hold(SlowKey);
        var slow = await silo.Grains.GetGrain<ITallyGrain>("slow").AddAndSend(1, Hotline, SlowKey, ["s1"]);
        await channel.WaitAsync(attempts => attempts.Any(a => a.Delivery.Id == slow[0]));

        var other = await silo.Grains.GetGrain<ITallyGrain>("other").AddAndSend(1, GridHead, otherKey, ["g1"]);
        await outcomes.WaitAsync(GridHead, "delivered");
        Assert.Equal(OutboxState.Pending, (await silo.Admin().GetAsync(slow[0]))!.State);

        release();
        await outcomes.WaitAsync(Hotline, "delivered");
        Assert.Equal([slow[0], other[0]], channel.Attempts.Select(a => a.Delivery.Id));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Deliver_ReceiverFailsFiveTimes_DeliveredOnTheSixthAttemptAfterDoublingWaits(DatabaseKind kind)
    {
        using var outcomes = new OutboxOutcomes();
        var (silo, channel) = await OutboxSilo.StartAsync(kind, await databases.NewMigratedDatabaseAsync(kind), configure: o => o.MaxAttempts = 6);
        await using var _ = silo;
        channel.FailNext(5);

        var id = (await silo.Grains.GetGrain<ITallyGrain>("flaky").AddAndSend(1, Hotline, "incident-f", ["closing reply"]))[0];
        for (var failed = 1; failed <= 5; failed++)
        {
            await outcomes.WaitAsync(Hotline, "failed", failed);
            await silo.AdvanceAsync(TimeSpan.FromSeconds(1 << (failed - 1)));
        }

        await outcomes.WaitAsync(Hotline, "delivered");

        var start = StorageCluster.Start;
        Assert.Equal(
            [start, start.AddSeconds(1), start.AddSeconds(3), start.AddSeconds(7), start.AddSeconds(15), start.AddSeconds(31)],
            channel.Attempts.Select(a => a.At));
        Assert.All(channel.Attempts, a => Assert.Equal(id, a.Delivery.Id));
        Assert.Equal([1, 2, 3, 4, 5, 6], channel.Attempts.Select(a => a.Delivery.Attempt));
        var stored = await silo.Admin().GetAsync(id);
        Assert.Equal((OutboxState.Delivered, 6, null), (stored!.State, stored.Attempts, stored.LastError));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Deliver_ReceiverAlwaysFails_EndsDeadBlockingItsIncident_ThenAdminRetryDeliversInOrder(DatabaseKind kind)
    {
        using var outcomes = new OutboxOutcomes();
        var (silo, channel) = await OutboxSilo.StartAsync(kind, await databases.NewMigratedDatabaseAsync(kind), configure: o => o.MaxAttempts = 3);
        await using var _ = silo;
        channel.FailNext(int.MaxValue);

        var ids = await silo.Grains.GetGrain<ITallyGrain>("down").AddAndSend(1, Hotline, "incident-d", ["first", "second"]);
        await outcomes.WaitAsync(Hotline, "failed", 1);
        await silo.AdvanceAsync(TimeSpan.FromSeconds(1));
        await outcomes.WaitAsync(Hotline, "failed", 2);
        await silo.AdvanceAsync(TimeSpan.FromSeconds(2));
        await outcomes.WaitAsync(Hotline, "dead");

        var dead = Assert.Single(await silo.Admin().ListAsync(OutboxState.Dead));
        Assert.Equal((ids[0], 3, OutboxState.Dead), (dead.Id, dead.Attempts, dead.State));
        Assert.Contains("the receiver fails on purpose", dead.LastError);
        Assert.Equal(OutboxState.Pending, (await silo.Admin().GetAsync(ids[1]))!.State);
        Assert.All(channel.Attempts, a => Assert.Equal(ids[0], a.Delivery.Id));

        channel.FailNext(0);
        Assert.True(await silo.Admin().RetryAsync(ids[0]));
        Assert.False(await silo.Admin().RetryAsync(ids[0])); // pending now, not a dead letter
        await outcomes.WaitAsync(Hotline, "delivered", 2);

        Assert.Equal([ids[0], ids[0], ids[0], ids[0], ids[1]], channel.Attempts.Select(a => a.Delivery.Id));
        Assert.Empty(await silo.Admin().ListAsync(OutboxState.Dead));
        Assert.Equal(2, (await silo.Admin().ListAsync(OutboxState.Delivered)).Count);
    }

    [Fact]
    public async Task Discard_DeadLetter_IsNeverDeliveredAndUnblocksItsIncident()
    {
        using var outcomes = new OutboxOutcomes();
        var (silo, channel) = await OutboxSilo.StartAsync(DatabaseKind.Sqlite, await databases.NewMigratedDatabaseAsync(DatabaseKind.Sqlite), configure: o => o.MaxAttempts = 1);
        await using var _ = silo;
        channel.FailNext(1);

        var ids = await silo.Grains.GetGrain<ITallyGrain>("discard").AddAndSend(1, Hotline, "incident-x", ["bad", "next"]);
        await outcomes.WaitAsync(Hotline, "dead");
        Assert.True(await silo.Admin().DiscardAsync(ids[0]));
        await outcomes.WaitAsync(Hotline, "delivered");

        Assert.Equal([ids[0], ids[1]], channel.Attempts.Select(a => a.Delivery.Id));
        Assert.Equal(OutboxState.Discarded, (await silo.Admin().GetAsync(ids[0]))!.State);
        Assert.False(await silo.Admin().DiscardAsync(ids[1]));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task Restart_WhileADeliveryIsInFlight_DeliversAfterwardsWithTheSameId(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        var time = new FakeTimeProvider(StorageCluster.Start);
        string id;
        var (first, hanging) = await OutboxSilo.StartAsync(kind, connection, time);
        await using (first)
        {
            hanging.Hang(true);
            id = (await first.Grains.GetGrain<ITallyGrain>("restart").AddAndSend(1, Hotline, "incident-r", ["closing reply"]))[0];
            await hanging.WaitAsync(attempts => attempts.Count == 1);
        }

        Assert.Equal(OutboxState.Pending, (await ReadAsync(kind, connection, id))!.State);
        using var outcomes = new OutboxOutcomes();
        var (restarted, channel) = await OutboxSilo.StartAsync(kind, connection, time);
        await using var _ = restarted;
        await outcomes.WaitAsync(Hotline, "delivered");

        var attempt = Assert.Single(channel.Attempts);
        Assert.Equal((id, "closing reply", 1), (attempt.Delivery.Id, attempt.Delivery.Payload, attempt.Delivery.Attempt));
        Assert.Equal([id], hanging.Attempts.Select(a => a.Delivery.Id));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ReadOpenOutbox_ManyLanesHeldByDeadLetters_ReturnsTheDeliverableHeadsFirst(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var store = OutboxSilo.OpenStore(kind, connection);

        // Ordering keys of one shard: five lanes whose head is dead (each with a message queued behind it), one whose
        // head backs off until later, and two that can be delivered now, written last.
        var keys = Enumerable.Range(0, 10_000).Select(i => $"incident-{i}").Where(k => Shards.OfOrderingKey(k) == 3).Take(8).ToArray();
        var soon = StorageCluster.Start;
        for (var i = 0; i < 5; i++)
        {
            await store.CommitMessagesAsync(keys[i], $"dead-{i}", $"behind-{i}");
            Assert.True(await store.MarkOutboxFailedAsync($"dead-{i}", 10, dead: true, soon, "refused", CancellationToken.None));
        }

        await store.CommitMessagesAsync(keys[5], "later", "behind-later");
        Assert.True(await store.MarkOutboxFailedAsync("later", 1, dead: false, soon.AddMinutes(5), "refused", CancellationToken.None));
        await store.CommitMessagesAsync(keys[6], "ready-1", "ready-1-next");
        await store.CommitMessagesAsync(keys[7], "ready-2");

        var heads = await store.ReadOpenOutboxAsync(3, 2, CancellationToken.None);
        var all = await store.ReadOpenOutboxAsync(3, 100, CancellationToken.None);

        // At most two rows: the two lanes that can go now, not the dead letters nor what waits behind anything.
        Assert.Equal(["ready-1", "ready-2"], heads.Select(m => m.Id));
        Assert.Equal(["ready-1", "ready-2", "later"], all.Select(m => m.Id));
        var (due, next) = OutboxLanes.Plan(all, soon.AddSeconds(1));
        Assert.Equal(["ready-1", "ready-2"], due.Select(lane => lane[0].Id));
        Assert.Equal(soon.AddMinutes(5), next);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task MarkDelivered_APassInOneCall_MarksThePendingOnesWithTheirOwnAttemptsAndTimes_LeavesTheRest(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        await using var store = OutboxSilo.OpenStore(kind, connection);
        var key = "incident-pass";
        var early = StorageCluster.Start;
        var later = early.AddHours(1);
        await store.CommitMessagesAsync(key, "first", "second", "dead");
        Assert.True(await store.MarkOutboxFailedAsync("dead", 10, dead: true, early, "refused", CancellationToken.None));

        var marked = await store.MarkOutboxDeliveredAsync(
            [new OutboxDelivered("first", 1, early), new OutboxDelivered("second", 3, later), new OutboxDelivered("dead", 2, early), new OutboxDelivered("unknown", 1, early)],
            CancellationToken.None);

        Assert.Equal(2, marked);
        Assert.Equal((OutboxState.Delivered, 1), await StateAsync(store, "first"));
        Assert.Equal((OutboxState.Delivered, 3), await StateAsync(store, "second"));
        Assert.Equal((OutboxState.Dead, 10), await StateAsync(store, "dead"));

        // Each keeps its own delivery time: a purge of what was delivered before the later one takes the first alone.
        Assert.Equal(1, await store.PurgeOutboxAsync(Shards.OfOrderingKey(key), OutboxState.Delivered, later, 100, CancellationToken.None));
        Assert.Null(await store.ReadOutboxAsync("first", CancellationToken.None));
    }

    private static async Task<(OutboxState, int)> StateAsync(JournalStore store, string id) =>
        await store.ReadOutboxAsync(id, CancellationToken.None) is { } stored ? (stored.State, stored.Attempts) : throw new InvalidOperationException($"{id} is not stored");

    private static async Task<OutboxRecord?> ReadAsync(DatabaseKind kind, string connection, string id)
    {
        await using var store = OutboxSilo.OpenStore(kind, connection);
        return await store.ReadOutboxAsync(id, CancellationToken.None);
    }
}
