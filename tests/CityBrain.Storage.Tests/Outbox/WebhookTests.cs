using System.Net;
using CityBrain.Storage.Tests.Infrastructure;
using CityBrain.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Storage.Tests.Outbox;

[Collection(DatabaseCollection.Name)]
public sealed class WebhookTests(DatabaseFixture databases)
{
    private const string Key = "hotline-secret-key";

    [Fact]
    public async Task Webhook_ReceiverFailsTwice_GetsTheSignedBodyOnTheThirdPostWithOneIdempotencyKey()
    {
        await using var receiver = new WebhookReceiver
        {
            Answer = (_, before) => before.Count < 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent,
        };
        using var outcomes = new OutboxOutcomes();
        var time = new FakeTimeProvider(StorageCluster.Start);
        var (silo, _) = await OutboxSilo.StartAsync(DatabaseKind.Sqlite, await databases.NewMigratedDatabaseAsync(DatabaseKind.Sqlite), time, o =>
            o.Subscribers["platform"] = new OutboxSubscriberOptions { Url = new Uri(receiver.Url, "callback"), Key = Key });
        await using var _ = silo;

        var id = (await silo.Grains.GetGrain<ITallyGrain>("signed").AddAndSend(1, "platform", "incident-w", ["""{"status":"办结","text":"修好了"}"""]))[0];
        await outcomes.WaitAsync("platform", "failed");
        await silo.AdvanceAsync(TimeSpan.FromSeconds(1));
        await outcomes.WaitAsync("platform", "failed", 2);
        await silo.AdvanceAsync(TimeSpan.FromSeconds(2));
        await outcomes.WaitAsync("platform", "delivered");

        var verifier = new WebhookVerifier(Key, TimeSpan.FromMinutes(5), time);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.All(receiver.Requests, request =>
        {
            Assert.Equal(("POST", "/callback"), (request.Method, request.Path));
            Assert.Equal("""{"status":"办结","text":"修好了"}""", request.Body);
            Assert.Equal(id, request.Header(WebhookSignature.IdempotencyKeyHeader));
            Assert.Equal("incident-w", request.Header(WebhookSignature.OrderingKeyHeader));
            Assert.StartsWith("application/json", request.Header("Content-Type"));
            Assert.Equal(WebhookVerdict.Valid, verifier.Verify(request.Header(WebhookSignature.TimestampHeader), request.Header(WebhookSignature.SignatureHeader), request.Body));
        });
        Assert.Equal(
            [StorageCluster.Start.ToUnixTimeSeconds(), StorageCluster.Start.AddSeconds(1).ToUnixTimeSeconds(), StorageCluster.Start.AddSeconds(3).ToUnixTimeSeconds()],
            receiver.Requests.Select(r => long.Parse(r.Header(WebhookSignature.TimestampHeader)!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent], receiver.Requests.Select(r => r.Status));
        var stored = await silo.Admin().GetAsync(id);
        Assert.Equal((OutboxState.Delivered, 3), (stored!.State, stored.Attempts));
    }
}

public sealed class WebhookVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private const string Body = """{"work_order_no":"GD-1","status":"受理"}""";

    [Fact]
    public void Verify_SignedNow_Valid()
    {
        var verifier = new WebhookVerifier("k", TimeSpan.FromMinutes(5), new FakeTimeProvider(Now));
        var timestamp = Now.ToUnixTimeSeconds();

        Assert.Equal(WebhookVerdict.Valid, verifier.Verify(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), WebhookSignature.Sign("k", timestamp, Body), Body));
    }

    [Fact]
    public void Sign_KnownInput_IsTheDocumentedHmacOverTimestampDotBody()
    {
        // Reproducible with: printf '%s' '1764752400.{}' | openssl dgst -sha256 -hmac k
        Assert.Equal("v1=701a681bf0093dec6e924c2ec9238072e771260ea4b7f6e57538e06382071ab9", WebhookSignature.Sign("k", 1764752400, "{}"));
    }

    [Theory]
    [InlineData("other-key", 0, Body, WebhookVerdict.BadSignature)]
    [InlineData("k", 0, """{"work_order_no":"GD-2","status":"受理"}""", WebhookVerdict.BadSignature)]
    [InlineData("k", -301, Body, WebhookVerdict.Stale)]
    [InlineData("k", 301, Body, WebhookVerdict.Stale)]
    [InlineData("k", -300, Body, WebhookVerdict.Valid)]
    public void Verify_WrongKeyAlteredBodyOrOutsideTheWindow_Refused(string signingKey, int ageSeconds, string receivedBody, WebhookVerdict expected)
    {
        var verifier = new WebhookVerifier("k", TimeSpan.FromMinutes(5), new FakeTimeProvider(Now));
        var timestamp = Now.AddSeconds(ageSeconds).ToUnixTimeSeconds();

        var verdict = verifier.Verify(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), WebhookSignature.Sign(signingKey, timestamp, Body), receivedBody);

        Assert.Equal(expected, verdict);
    }

    [Theory]
    [InlineData(null, "v1=00")]
    [InlineData("abc", "v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1764752400", null)]
    [InlineData("1764752400", "sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("1764752400", "v1=zz00000000000000000000000000000000000000000000000000000000000000")]
    public void Verify_MissingOrMalformedHeaders_Malformed(string? timestamp, string? signature)
    {
        var verifier = new WebhookVerifier("k", TimeSpan.FromMinutes(5), new FakeTimeProvider(Now));

        Assert.Equal(WebhookVerdict.Malformed, verifier.Verify(timestamp, signature, Body));
    }
}

public sealed class OutboxOptionsTests
{
    [Fact]
    public void Backoff_DoublesFromTheBaseDelay_UpToTheCap()
    {
        var options = new OutboxOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10) };

        Assert.Equal([1, 2, 4, 8, 10, 10], new[] { 1, 2, 3, 4, 5, 40 }.Select(a => options.Backoff(a).TotalSeconds));
    }

    [Fact]
    public void Validate_WebhookWithoutUrlOrKeyAndNoAttempts_FailsNamingTheKeys()
    {
        var options = new OutboxOptions { MaxAttempts = 0 };
        options.Subscribers["hotline"] = new OutboxSubscriberOptions { Url = new Uri("ftp://example.org/") };
        options.Subscribers["dev"] = new OutboxSubscriberOptions { Channel = "log" };

        var result = new CityBrain.Storage.Outbox.OutboxOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            ["CityBrain:Outbox:MaxAttempts must be at least 1.", "CityBrain:Outbox:Subscribers:hotline:Url must be an absolute http or https URL.", "CityBrain:Outbox:Subscribers:hotline:Key is required for a webhook (the HMAC-SHA256 key)."],
            result.Failures);
    }
}
