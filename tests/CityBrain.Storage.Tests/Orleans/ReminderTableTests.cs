using CityBrain.Storage.Tests.Infrastructure;

namespace CityBrain.Storage.Tests.Orleans;

/// <summary>Orleans' AdoNetReminderTable against our reminder scripts.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class ReminderTableTests(DatabaseFixture databases)
{
    private static readonly DateTime Start = new(2026, 12, 3, 8, 30, 15, 250, DateTimeKind.Utc);

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task UpsertRow_New_ReadRowReturnsItWithTheETag(DatabaseKind kind)
    {
        var table = await StartAsync(kind);
        var grain = GrainId.Create("incident", "42");

        var etag = await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));
        var row = await table.ReadRow(grain, "escalate");

        Assert.NotNull(etag);
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("escalate", row.ReminderName);
        Assert.Equal(Start, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), row.Period);
        Assert.Equal(etag, row.ETag);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task UpsertRow_Existing_UpdatesItAndReturnsANewETag(DatabaseKind kind)
    {
        var table = await StartAsync(kind);
        var grain = GrainId.Create("incident", "42");
        var first = await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));

        // Longer than int.MaxValue milliseconds: the provider then sends the period as a 64-bit number.
        var second = await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromDays(30)));
        var row = await table.ReadRow(grain, "escalate");

        Assert.NotEqual(first, second);
        Assert.NotNull(row);
        Assert.Equal(second, row.ETag);
        Assert.Equal(TimeSpan.FromDays(30), row.Period);
        Assert.Single((await table.ReadRows(grain)).Reminders);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ReadRow_Missing_ReturnsNull(DatabaseKind kind)
    {
        var table = await StartAsync(kind);

        Assert.Null(await table.ReadRow(GrainId.Create("incident", "42"), "escalate"));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ReadRows_ByGrain_ReturnsThatGrainsRemindersOnly(DatabaseKind kind)
    {
        var table = await StartAsync(kind);
        var grain = GrainId.Create("incident", "42");
        await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));
        await table.UpsertRow(Entry(grain, "close", TimeSpan.FromHours(1)));
        await table.UpsertRow(Entry(GrainId.Create("incident", "43"), "escalate", TimeSpan.FromMinutes(5)));

        var rows = await table.ReadRows(grain);

        Assert.Equal(["close", "escalate"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(grain, r.GrainId));
    }

    /// <summary>The reminder service reads its share of the hash ring, (begin, end] in unsigned order, wrapping past
    /// uint.MaxValue when begin &gt;= end. The ranges cover the cases of the provider's two queries, which compare
    /// hashes as signed integers: a plain range, one that crosses the signed sign boundary without wrapping, one
    /// that wraps, and the whole ring (begin == end).</summary>
    [Theory]
    [InlineData(DatabaseKind.Sqlite, 0x2000_0000u, 0x6000_0000u)]
    [InlineData(DatabaseKind.Postgres, 0x2000_0000u, 0x6000_0000u)]
    [InlineData(DatabaseKind.Sqlite, 0x9000_0000u, 0xE000_0000u)]
    [InlineData(DatabaseKind.Postgres, 0x9000_0000u, 0xE000_0000u)]
    [InlineData(DatabaseKind.Sqlite, 0x6000_0000u, 0xA000_0000u)]
    [InlineData(DatabaseKind.Postgres, 0x6000_0000u, 0xA000_0000u)]
    [InlineData(DatabaseKind.Sqlite, 0xD000_0000u, 0x3000_0000u)]
    [InlineData(DatabaseKind.Postgres, 0xD000_0000u, 0x3000_0000u)]
    [InlineData(DatabaseKind.Sqlite, 0x4000_0000u, 0x1000_0000u)]
    [InlineData(DatabaseKind.Postgres, 0x4000_0000u, 0x1000_0000u)]
    [InlineData(DatabaseKind.Sqlite, 0x5000_0000u, 0x5000_0000u)]
    [InlineData(DatabaseKind.Postgres, 0x5000_0000u, 0x5000_0000u)]
    public async Task ReadRows_HashRange_ReturnsExactlyTheRemindersInTheRange(DatabaseKind kind, uint begin, uint end)
    {
        var table = await StartAsync(kind);
        var grains = Enumerable.Range(0, 64).Select(i => GrainId.Create("incident", $"range-{i}")).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));
        }

        var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).ToHashSet();
        var rows = await table.ReadRows(begin, end);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(g => g.ToString()), rows.Reminders.Select(r => r.GrainId).OrderBy(g => g.ToString()));
        if (begin != end)
        {
            Assert.True(expected.Count < grains.Count, "the range should leave some grains out");
        }
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task RemoveRow_CurrentETag_RemovesIt(DatabaseKind kind)
    {
        var table = await StartAsync(kind);
        var grain = GrainId.Create("incident", "42");
        var etag = await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));

        var removed = await table.RemoveRow(grain, "escalate", etag!);

        Assert.True(removed);
        Assert.Null(await table.ReadRow(grain, "escalate"));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task RemoveRow_StaleETag_ReturnsFalseAndKeepsIt(DatabaseKind kind)
    {
        var table = await StartAsync(kind);
        var grain = GrainId.Create("incident", "42");
        var stale = await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));
        var current = await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(10)));

        var removed = await table.RemoveRow(grain, "escalate", stale!);

        Assert.False(removed);
        Assert.Equal(current, (await table.ReadRow(grain, "escalate"))?.ETag);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task RemoveRow_Missing_ReturnsFalse(DatabaseKind kind)
    {
        var table = await StartAsync(kind);

        Assert.False(await table.RemoveRow(GrainId.Create("incident", "42"), "escalate", "1"));
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task TestOnlyClearTable_RemovesThisServicesRowsOnly(DatabaseKind kind)
    {
        var connection = await databases.NewMigratedDatabaseAsync(kind);
        var table = await AdoNetProviders.StartReminderTableAsync(kind, connection, "svc");
        var other = await AdoNetProviders.StartReminderTableAsync(kind, connection, "other-svc");
        var grain = GrainId.Create("incident", "42");
        await table.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));
        await other.UpsertRow(Entry(grain, "escalate", TimeSpan.FromMinutes(5)));

        await table.TestOnlyClearTable();

        Assert.Empty((await table.ReadRows(grain)).Reminders);
        Assert.Single((await other.ReadRows(grain)).Reminders);
    }

    private async Task<IReminderTable> StartAsync(DatabaseKind kind) =>
        await AdoNetProviders.StartReminderTableAsync(kind, await databases.NewMigratedDatabaseAsync(kind), "svc");

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = Start, Period = period };

    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
