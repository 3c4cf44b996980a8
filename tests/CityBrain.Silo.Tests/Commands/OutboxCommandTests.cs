using CityBrain.Storage;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using CityBrain.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Silo.Tests.Commands;

/// <summary><c>citybrain outbox list|retry|discard</c> as an operator runs it, on a database of its own.</summary>
public sealed class OutboxCommandTests
{
    [Fact]
    public async Task OutboxCommand_ListRetryDiscard_ChangesOnlyDeadLettersAndSaysWhy()
    {
        var file = Path.Combine(Path.GetTempPath(), $"citybrain-outbox-cli-{Guid.NewGuid():N}.db");
        var options = new StorageOptions { Database = DatabaseKind.Sqlite, ConnectionString = $"Data Source={file}" };
        await DatabaseSchema.MigrateAsync(options.Database, options.ConnectionString);
        await using (var store = new JournalStore(options, new BackgroundClock(TimeProvider.System), NullLogger<JournalStore>.Instance))
        {
            var at = DateTimeOffset.UtcNow;
            Assert.True(await store.CommitAsync(new AppendRequest
            {
                Grain = new StoredGrain("incident", "inc-cli"),
                Outbox = [new OutboxWrite("cli-1", "hotline", "inc-cli", "{}"), new OutboxWrite("cli-2", "hotline", "inc-cli", "{}")],
                At = at,
            }));
            Assert.True(await store.MarkOutboxFailedAsync("cli-1", 10, dead: true, at, "HttpRequestException: 503", CancellationToken.None));
            Assert.True(await store.MarkOutboxFailedAsync("cli-2", 10, dead: true, at, "HttpRequestException: 503", CancellationToken.None));
        }

        var database = $"--CityBrain:Storage:ConnectionString={options.ConnectionString}";
        var list = await ToolProcess.RunSiloAsync(["outbox", "list", database], TimeSpan.FromMinutes(1));
        var retry = await ToolProcess.RunSiloAsync(["outbox", "retry", "cli-1", database], TimeSpan.FromMinutes(1));
        var discard = await ToolProcess.RunSiloAsync(["outbox", "discard", "cli-2", database], TimeSpan.FromMinutes(1));
        var again = await ToolProcess.RunSiloAsync(["outbox", "discard", "cli-1", database], TimeSpan.FromMinutes(1));
        var pending = await ToolProcess.RunSiloAsync(["outbox", "list", "--state", "Pending", database], TimeSpan.FromMinutes(1));

        Assert.Equal(0, list.ExitCode);
        Assert.Contains("2 dead outbox messages", list.Output, StringComparison.Ordinal);
        Assert.Contains("HttpRequestException: 503", list.Output, StringComparison.Ordinal);
        Assert.Equal((0, 0), (retry.ExitCode, discard.ExitCode));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("cli-1 is pending, not a dead letter", again.Output, StringComparison.Ordinal);
        Assert.Contains("1 pending outbox messages", pending.Output, StringComparison.Ordinal);
        Assert.Contains("cli-1", pending.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-2", pending.Output, StringComparison.Ordinal);
    }
}
