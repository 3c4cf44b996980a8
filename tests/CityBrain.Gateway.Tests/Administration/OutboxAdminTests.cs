using System.Net.Http.Headers;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Storage;
using CityBrain.Storage.Internal;
using CityBrain.Storage.Journal;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Gateway.Tests.Administration;

/// <summary>Admin's outbox methods over the real server, on dead letters written to the server's database.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OutboxAdminTests(GatewayServer server)
{
    private readonly ApiClients _admin = server.For(Who.Admin);

    [Fact]
    public async Task Outbox_DeadLetters_ListedRetriedAndDiscardedByAdmin_RefusedToOthers()
    {
        var (retried, discarded) = await TwoDeadLettersAsync();

        var dead = await _admin.Admin.ListOutboxAsync(new ListOutboxRequest { PageSize = 1000 });
        var listed = dead.Messages.Where(m => m.Id == retried || m.Id == discarded).ToList();
        var retryResult = await _admin.Admin.RetryOutboxAsync(new OutboxMessageRef { Id = retried });
        var discardResult = await _admin.Admin.DiscardOutboxAsync(new OutboxMessageRef { Id = discarded });

        Assert.Equal([retried, discarded], listed.Select(m => m.Id));
        Assert.All(listed, m => Assert.Equal((OutboxMessageState.Dead, 10, "incident-outbox-admin"), (m.State, m.Attempts, m.OrderingKey)));
        Assert.Equal("receiver down", listed[0].LastError);
        Assert.Equal((retried, OutboxMessageState.Pending), (retryResult.Id, retryResult.State));
        Assert.Equal((discarded, OutboxMessageState.Discarded), (discardResult.Id, discardResult.State));
        var afterwards = await _admin.Admin.ListOutboxAsync(new ListOutboxRequest { State = OutboxMessageState.Discarded, PageSize = 1000 });
        Assert.Contains(afterwards.Messages, m => m.Id == discarded);
        await Expect.StatusAsync(StatusCode.FailedPrecondition, () => _admin.Admin.DiscardOutboxAsync(new OutboxMessageRef { Id = discarded }));
        await Expect.StatusAsync(StatusCode.NotFound, () => _admin.Admin.RetryOutboxAsync(new OutboxMessageRef { Id = "no-such-message" }));
        await Expect.StatusAsync(StatusCode.InvalidArgument, () => _admin.Admin.ListOutboxAsync(new ListOutboxRequest { PageSize = 1001 }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Dispatcher()).Admin.ListOutboxAsync(new ListOutboxRequest()));
    }

    [Fact]
    public async Task Outbox_JsonRoutes_ListAndRetryAsDocumented()
    {
        var (retried, _) = await TwoDeadLettersAsync();
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Issuer.Issue(Who.Admin, TimeSpan.FromHours(1)));

        var list = await http.GetStringAsync("/v1/outbox?state=OUTBOX_MESSAGE_STATE_DEAD&pageSize=1000");
        using var retry = await http.PostAsync($"/v1/outbox/{retried}:retry", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains($"\"id\":\"{retried}\"", list.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(retry.IsSuccessStatusCode, $"retry answered {retry.StatusCode}: {await retry.Content.ReadAsStringAsync()}");
        Assert.Contains("OUTBOX_MESSAGE_STATE_PENDING", await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Two messages of one incident, written as a grain's append would write them, then recorded dead (their
    /// subscriber is not configured, so the shard's own attempts fail too: either way they end dead).</summary>
    private async Task<(string First, string Second)> TwoDeadLettersAsync()
    {
        var store = server.Services.GetRequiredService<JournalStore>();
        var first = "outbox-admin-" + Guid.NewGuid().ToString("N");
        var second = "outbox-admin-" + Guid.NewGuid().ToString("N");
        var at = server.Clock.GetUtcNow();
        Assert.True(await store.CommitAsync(new AppendRequest
        {
            Grain = new StoredGrain("outbox-admin-test", Guid.NewGuid().ToString("N")),
            Outbox = [new OutboxWrite(first, "unconfigured", "incident-outbox-admin", "{}"), new OutboxWrite(second, "unconfigured", "incident-outbox-admin", "{}")],
            At = at,
        }));
        foreach (var id in new[] { first, second })
        {
            await store.MarkOutboxFailedAsync(id, 10, dead: true, at, "receiver down", CancellationToken.None);
            Assert.Equal(OutboxState.Dead, (await store.ReadOutboxAsync(id, CancellationToken.None))!.State);
        }

        return (first, second);
    }
}
