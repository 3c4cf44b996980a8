using CityBrain.Actors.Tests.Grains;
using CityBrain.Actors.Tests.Infrastructure;
using CityBrain.Testing;

namespace CityBrain.Actors.Tests.Storage;

[Collection(DatabaseCollection.Name)]
public sealed class JournalTests(DatabaseFixture database)
{
    private readonly ManualTimeProvider _clock = new();

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Journal_AfterRestart_ReplaysSnapshotAndEvents(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            var account = silo.Grains.GetGrain<IAccountGrain>("acc");
            for (var i = 1; i <= 12; i++)
            {
                await account.Deposit(i);
            }

            await account.Withdraw(8);
        }

        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        var again = restarted.Grains.GetGrain<IAccountGrain>("acc");
        var state = await again.Get();
        Assert.Equal(78 - 8, state.Balance);
        Assert.Equal(13, state.Operations);
        Assert.Equal(13, await again.Confirmed());
        var history = await again.History();
        Assert.Equal(13, history.Length);
        Assert.Equal("1:Deposited { Amount = 1 }", history[0]);
        Assert.Equal("13:Withdrawn { Amount = 8 }", history[12]);

        // Snapshot at 10 events (interval 5): replay after restart reads it plus three events.
        Assert.Equal(10L, await ScalarAsync(kind, connection, "SELECT seq FROM grain_snapshot WHERE grain_key = 'acc'"));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Journal_RefusedCommand_WritesNothing(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var silo = await TestSilo.StartAsync(kind, connection, _clock);
        var account = silo.Grains.GetGrain<IAccountGrain>("refuse");
        await account.Deposit(5);

        await Assert.ThrowsAsync<InvalidOperationException>(() => account.Withdraw(50));

        Assert.Equal(1L, await ScalarAsync(kind, connection, "SELECT COUNT(*) FROM grain_journal WHERE grain_key = 'refuse'"));
        Assert.Equal(5, (await account.Get()).Balance);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Journal_TwoActivationsAppend_SecondConflictsAndReloads(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        await using var first = await TestSilo.StartAsync(kind, connection, _clock);
        await using var second = await TestSilo.StartAsync(kind, connection, _clock);
        var a = first.Grains.GetGrain<IAccountGrain>("twice");
        var b = second.Grains.GetGrain<IAccountGrain>("twice");
        await a.Get();
        await b.Get();

        await a.Deposit(10);
        await Assert.ThrowsAsync<StorageConflictException>(() => b.Deposit(1));

        Assert.Equal(1L, await ScalarAsync(kind, connection, "SELECT COUNT(*) FROM grain_journal WHERE grain_key = 'twice'"));
        Assert.Equal(10, (await b.Get()).Balance); // reactivated from the journal
        Assert.Equal(11, await b.Deposit(1));
    }

    private static async Task<long> ScalarAsync(StorageKind kind, string connection, string sql)
    {
        await using var db = StateStorageTests.Open(kind, connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Journal_InterleavedConfirmations_StoreEveryEventOnceInOrder(StorageKind kind)
    {
        var connection = await database.NewDatabaseAsync(kind);
        int[] values;
        await using (var silo = await TestSilo.StartAsync(kind, connection, _clock))
        {
            var tally = silo.Grains.GetGrain<ITallyGrain>("busy");
            await Task.WhenAll(Enumerable.Range(1, 200).Select(tally.Add));
            values = await tally.Values();
            Assert.Equal(200, await tally.Confirmed());
        }

        Assert.Equal(Enumerable.Range(1, 200), values.Order());
        await using var restarted = await TestSilo.StartAsync(kind, connection, _clock);
        Assert.Equal(values, await restarted.Grains.GetGrain<ITallyGrain>("busy").Values());
        Assert.Equal(200L, await ScalarAsync(kind, connection, "SELECT COUNT(*) FROM grain_journal WHERE grain_key = 'busy'"));
    }
}
