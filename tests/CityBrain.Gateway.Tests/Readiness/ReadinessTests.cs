using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Gateway.Tests.Readiness;

/// <summary>A server whose readiness a test sets, as the silo's is while it starts, stops or has no city.</summary>
public sealed class ReadinessServer : GatewayServer
{
    public SwitchableReadiness Readiness { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IApiReadiness>(Readiness);
}

public sealed class SwitchableReadiness : IApiReadiness
{
    private int _refuseNext;

    public volatile string? Reason;

    /// <summary>Not ready for the next <paramref name="calls"/> API calls, then ready.</summary>
    public void RefuseNext(int calls) => Volatile.Write(ref _refuseNext, calls);

    public string? NotReadyReason() =>
        Reason ?? (Interlocked.Decrement(ref _refuseNext) >= 0 ? "the silo is starting" : null);
}

/// <summary>
/// Until the silo can serve, every API call answers UNAVAILABLE with the reason (HTTP 503 for JSON) — a status a
/// client's retry policy retries — and writes nothing; health and reflection still answer; once ready, the same call
/// succeeds. (FAILED_PRECONDITION told retrying clients to drop the event: issue 17.)
/// </summary>
public sealed class ReadinessTests(ReadinessServer server) : IClassFixture<ReadinessServer>
{
    [Fact]
    public async Task Calls_WhileNotReady_UnavailableWithTheReasonNothingWritten_ThenServed()
    {
        var source = Events.Source("ready");
        var feed = server.For(Who.Feed(source));
        var e = Events.Alert(server, source);
        var tail = await server.FeedTailAsync();
        server.Readiness.Reason = "the silo is joining in the cluster, not active";
        try
        {
            var grpc = await Expect.StatusAsync(StatusCode.Unavailable, () => feed.Intake.SubmitAsync(new SubmitRequest { Event = e }));
            Assert.Contains("joining", grpc.Status.Detail, StringComparison.Ordinal);
            await Expect.StatusAsync(StatusCode.Unavailable, () => server.For(Who.Viewer).Query.GetSlaBoardAsync(new SlaBoardQuery()));

            // Not ready comes before the token: even a caller without one hears "retry", not "who are you".
            await Expect.StatusAsync(StatusCode.Unavailable, () => server.ForToken(null).Intake.PingAsync(new PingRequest()));

            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.HttpAddress, "/v1/events"))
            {
                Content = new StringContent(JsonFormatter.Default.Format(e), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(Who.Feed(source)));
            using var json = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, json.StatusCode);
            Assert.Equal((int)StatusCode.Unavailable, JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32());

            // The gate is the API's: the health service answers as its checks say (this server's: healthy).
            var health = await new Grpc.Health.V1.Health.HealthClient(server.ForToken(null).Channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
            Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
            Assert.Equal(tail, await server.FeedTailAsync());
        }
        finally
        {
            server.Readiness.Reason = null;
        }

        var ack = await feed.Intake.SubmitAsync(new SubmitRequest { Event = e });
        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
    }

    [Fact]
    public async Task Submit_SiloStartingForTwoCalls_TheDocumentedRetryPolicyDeliversIt()
    {
        var source = Events.Source("retry");
        var e = Events.Alert(server, source);
        using var retrying = ApiChannel.Create(server.Address, server.Token(Who.Feed(source)), retry: true);

        server.Readiness.RefuseNext(2);
        var ack = await new EventIntake.EventIntakeClient(retrying).SubmitAsync(new SubmitRequest { Event = e });

        Assert.Equal(IntakeOutcome.Created, ack.Outcome);
        server.Readiness.RefuseNext(1);
        await Expect.StatusAsync(StatusCode.Unavailable, () => server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = e }));
        server.Readiness.RefuseNext(0);
    }

    [Fact]
    public void RetryPolicy_ServiceConfigJson_RetriesOnlyUnavailableAndAbortedOnEveryService()
    {
        var config = JsonDocument.Parse(ApiChannel.RetryPolicy).RootElement.GetProperty("methodConfig")[0];
        var retry = config.GetProperty("retryPolicy");

        Assert.Equal(["UNAVAILABLE", "ABORTED"], retry.GetProperty("retryableStatusCodes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(5, retry.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(("0.2s", "2s", 2.0), (retry.GetProperty("initialBackoff").GetString(), retry.GetProperty("maxBackoff").GetString(), retry.GetProperty("backoffMultiplier").GetDouble()));
        Assert.Equal(
            new[] { EventIntake.Descriptor, Dispatch.Descriptor, Query.Descriptor, Drills.Descriptor, Admin.Descriptor }.Select(d => d.FullName).Order(),
            config.GetProperty("name").EnumerateArray().Select(n => n.GetProperty("service").GetString()!).Order());
    }
}
