using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Queries;

/// <summary>What a dispatcher's console needs from lists (issue 14): each row's running SLA clock (which one, due
/// time, warning time, time left), every open incident, ordered by time left. The server's clock stands still in
/// these tests, so the time left is exact.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TimeLeftTests(GatewayServer server)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly ApiClients _dispatcher = server.For(Who.Dispatcher());

    [Fact]
    public async Task ListIncidents_RowsThroughTheLifecycle_CarryTheRunningClockItsDueAndWarningTimes()
    {
        var source = Events.Source("clock");
        var id = await NewIncidentAsync(source);
        var reported = await RowAsync(source, id);

        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        var accepted = await RowAsync(source, id);
        await _dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "sanitation" });
        var assigned = await RowAsync(source, id);
        var detail = await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true });

        // 受理 accept: 10 min from the report, warning at 80 % (the demo city's sla).
        Assert.Equal(SlaClockKind.Accept, reported.SlaClock);
        var at = reported.ReportedAt.ToDateTimeOffset();
        Assert.Equal(at + (10 * Minute), reported.SlaDueAt.ToDateTimeOffset());
        Assert.Equal(at + (8 * Minute), reported.SlaWarningAt.ToDateTimeOffset());
        Assert.Equal((long)(10 * Minute).TotalMilliseconds, reported.SlaRemainingMs);
        Assert.False(reported.SlaPaused);

        // 派遣 assign: 5 min from acceptance (the resolve clock, 12 h, runs too but has more time left).
        Assert.Equal(SlaClockKind.Assign, accepted.SlaClock);
        Assert.Equal(accepted.AcceptedAt.ToDateTimeOffset() + (5 * Minute), accepted.SlaDueAt.ToDateTimeOffset());

        // 到场 on site: the dispatched department's 20 min.
        Assert.Equal(SlaClockKind.OnSite, assigned.SlaClock);
        Assert.Equal("sanitation", assigned.SlaDepartmentId);
        Assert.Equal((long)(20 * Minute).TotalMilliseconds, assigned.SlaRemainingMs);
        Assert.Equal(assigned, detail.Summary);
    }

    [Fact]
    public async Task ListIncidents_SuspendedThenRejected_PausedClockThenNone()
    {
        var source = Events.Source("paused");
        var suspended = await NewIncidentAsync(source);
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = suspended });
        await _dispatcher.Dispatch.SuspendAsync(new IncidentAction { IncidentId = suspended, Reason = "waiting for the reporter" });
        var rejected = await NewIncidentAsync(source);
        await _dispatcher.Dispatch.RejectAsync(new IncidentAction { IncidentId = rejected, Reason = "not a city matter" });

        var paused = await RowAsync(source, suspended);
        var finished = await RowAsync(source, rejected);

        Assert.True(paused.SlaPaused);
        Assert.Equal(SlaClockKind.Assign, paused.SlaClock);
        Assert.Equal(SlaClockKind.Unspecified, finished.SlaClock);
        Assert.Null(finished.SlaDueAt);
    }

    [Fact]
    public async Task ListIncidents_OrderTimeLeftOpenOnly_EveryOpenIncidentLeastTimeLeftFirstAcrossPages()
    {
        var source = Events.Source("order");
        var reported = await NewIncidentAsync(source);                    // accept: 10 min left
        var accepted = await NewIncidentAsync(source);                    // assign: 5 min left
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = accepted });
        var fire = await NewIncidentAsync(source, category: "99.01");     // accept: 3 min left (火灾)
        var rejected = await NewIncidentAsync(source);                    // finished: not open
        await _dispatcher.Dispatch.RejectAsync(new IncidentAction { IncidentId = rejected, Reason = "invalid" });

        var rows = new List<IncidentSummary>();
        var query = new IncidentListQuery { Source = source, OpenOnly = true, Order = IncidentOrder.TimeLeft, PageSize = 1 };
        do
        {
            var page = await server.For(Who.Viewer).Query.ListIncidentsAsync(query);
            Assert.True(page.Incidents.Count <= 1);
            rows.AddRange(page.Incidents);
            query.PageToken = page.NextPageToken;
        }
        while (query.PageToken.Length > 0);

        Assert.Equal([fire, accepted, reported], rows.Select(r => r.Id));
        Assert.Equal([180_000L, 300_000L, 600_000L], rows.Select(r => r.SlaRemainingMs));
    }

    [Theory]
    [InlineData(7, "", "order: unknown value 7")]
    [InlineData(1, "bm9wZQ==", "page_token")]
    [InlineData(0, "dDo1", "page_token")]   // a time-left token ("t:5") on a list in report order
    public async Task ListIncidents_BadOrderOrToken_InvalidArgumentNamingTheFieldAndWritesNothing(int order, string token, string expected)
    {
        var tail = await server.FeedTailAsync();

        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () =>
            server.For(Who.Viewer).Query.ListIncidentsAsync(new IncidentListQuery { Order = (IncidentOrder)order, PageToken = token }));

        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Fact]
    public async Task ListIncidents_OverJson_OrderByNameAndTheClockFieldsInCamelCase()
    {
        var source = Events.Source("json-order");
        var id = await NewIncidentAsync(source);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.HttpAddress, $"/v1/incidents?source={source}&openOnly=true&order=INCIDENT_ORDER_TIME_LEFT"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(Who.Viewer));

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var row = Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("incidents").EnumerateArray());
        Assert.Equal(id, row.GetProperty("id").GetString());
        Assert.Equal("SLA_CLOCK_KIND_ACCEPT", row.GetProperty("slaClock").GetString());
        Assert.Equal(600000L, row.GetProperty("slaRemainingMs").GetInt64());
        Assert.True(row.TryGetProperty("slaDueAt", out _) && row.TryGetProperty("slaWarningAt", out _), body);
    }

    [Fact]
    public async Task WatchIncidents_WithRows_TheLatestChangeOfEachIncidentCarriesItsListRow()
    {
        var source = Events.Source("watch-rows");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var watch = server.For(Who.Viewer).Query.WatchIncidents(new IncidentWatchQuery { FromNow = true, WithRows = true }, cancellationToken: cancel.Token);
        using var plain = server.For(Who.Viewer).Query.WatchIncidents(new IncidentWatchQuery { FromNow = true }, cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext() && await plain.ResponseStream.MoveNext()); // the first, caught-up batches: live from here

        var id = await NewIncidentAsync(source);
        await _dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });

        var rows = new List<IncidentSummary>();
        while (rows.All(r => r.Status != IncidentStatus.Accepted) && await watch.ResponseStream.MoveNext())
        {
            rows.AddRange(watch.ResponseStream.Current.Changes.Where(c => c.IncidentId == id && c.Row is not null).Select(c => c.Row));
        }

        while (await plain.ResponseStream.MoveNext())
        {
            var mine = plain.ResponseStream.Current.Changes.Where(c => c.IncidentId == id).ToList();
            Assert.All(mine, c => Assert.Null(c.Row));
            if (mine.Any(c => c.Status == IncidentStatus.Accepted))
            {
                break;
            }
        }

        var accepted = rows.Last();
        Assert.Equal(SlaClockKind.Assign, accepted.SlaClock);
        Assert.Equal((long)(5 * Minute).TotalMilliseconds, accepted.SlaRemainingMs);
    }

    private async Task<string> NewIncidentAsync(string source, string grid = "g001", string category = "11.01") =>
        (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = Events.Alert(server, source, grid, category) })).IncidentId;

    private async Task<IncidentSummary> RowAsync(string source, string id)
    {
        var page = await server.For(Who.Viewer).Query.ListIncidentsAsync(new IncidentListQuery { Source = source, PageSize = 500 });
        return Assert.Single(page.Incidents, r => r.Id == id);
    }
}
