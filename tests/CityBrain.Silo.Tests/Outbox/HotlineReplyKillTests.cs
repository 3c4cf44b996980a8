using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Storage;
using CityBrain.Testing;

namespace CityBrain.Silo.Tests.Outbox;

/// <summary>The silo executable killed (SIGKILL) while a 12345 reply is failing at the platform: after a restart the
/// reply arrives, with the same idempotency key. Real processes on real time: waits are on what the platform receives.</summary>
public sealed class HotlineReplyKillTests
{
    private static readonly string SigningKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("citybrain-outbox-kill-tests-signing-key-012345"));

    [Fact]
    public async Task HotlineReply_SiloKilledWhileThePlatformFails_DeliveredAfterRestartWithTheSameKey()
    {
        var work = Directory.CreateTempSubdirectory("citybrain-outbox-kill-");
        await using var platform = new WebhookReceiver();
        var up = false;
        platform.Answer = (_, _) => Volatile.Read(ref up) ? HttpStatusCode.NoContent : HttpStatusCode.ServiceUnavailable;
        var settings = new Dictionary<string, string>
        {
            ["CityBrain:Storage:Database"] = "Sqlite",
            ["CityBrain:Storage:ConnectionString"] = $"Data Source={Path.Combine(work.FullName, "citybrain.db")}",
            ["CityBrain:Auth:SigningKey"] = SigningKey,
            ["CityBrain:Replies:12345"] = "hotline-12345",
            ["CityBrain:Outbox:Subscribers:hotline-12345:Url"] = new Uri(platform.Url, "callback").ToString(),
            ["CityBrain:Outbox:Subscribers:hotline-12345:Key"] = "kill-test-key",
            ["CityBrain:Outbox:BaseDelay"] = "00:00:00.200",
            ["CityBrain:Outbox:MaxDelay"] = "00:00:01",
        };
        var tokens = new TokenIssuer(new AuthOptions { SigningKey = SigningKey });
        try
        {
            string incidentId;
            await using (var first = await SiloProcess.StartAsync(settings))
            {
                using var http = new HttpClient { BaseAddress = new Uri(first.HttpUrl) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue(new Actor { UserId = "12345", Role = Role.Feed, Source = "12345" }, TimeSpan.FromHours(1)));
                using var posted = await http.PostAsync("/v1/hotline/work-orders", new StringContent(
                    """{"workOrderNo":"GD-KILL-1","requestText":"路灯不亮","category":"12345-LD","address":"幸福路 1 号"}""", Encoding.UTF8, "application/json"));
                Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
                incidentId = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("incidentId").GetString()!;
                using var channel = ApiChannel.Create(new Uri(first.GrpcUrl), tokens.Issue(new Actor { UserId = "dispatcher-1", Role = Role.Dispatcher }, TimeSpan.FromHours(1)));
                await new Dispatch.DispatchClient(channel).AcceptAsync(new IncidentAction { IncidentId = incidentId });
                await platform.WaitAsync(requests => requests.Count(r => r.Status == HttpStatusCode.ServiceUnavailable) >= 2);
                await first.KillAsync();
            }

            Volatile.Write(ref up, true);
            await using var restarted = await SiloProcess.StartAsync(settings);
            await platform.WaitAsync(requests => requests.Any(r => r.Status == HttpStatusCode.NoContent));

            var failed = platform.Requests.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).ToList();
            var delivered = Assert.Single(platform.Requests, r => r.Status == HttpStatusCode.NoContent);
            Assert.All(failed, r => Assert.Equal(failed[0].Header(WebhookSignature.IdempotencyKeyHeader), r.Header(WebhookSignature.IdempotencyKeyHeader)));
            Assert.Equal(failed[0].Header(WebhookSignature.IdempotencyKeyHeader), delivered.Header(WebhookSignature.IdempotencyKeyHeader));
            Assert.Equal(failed[0].Body, delivered.Body);
            Assert.Equal(("accepted", "GD-KILL-1", incidentId), (
                JsonDocument.Parse(delivered.Body).RootElement.GetProperty("status").GetString(),
                JsonDocument.Parse(delivered.Body).RootElement.GetProperty("work_order_no").GetString(),
                JsonDocument.Parse(delivered.Body).RootElement.GetProperty("incident_id").GetString()));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
