using System.Net;
using System.Net.Http.Headers;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Queries;

/// <summary>Search in ListIncidents over the real server: by text (description, address, work-order number) and by
/// the reporter's phone (dispatcher and admin only: personal information), with the role and paging rules of every
/// list; bad filters are INVALID_ARGUMENT (400 on the JSON route) naming the field.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SearchTests(GatewayServer server) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Text_FindsByDescriptionAddressOrWorkOrderNumber_AndMissesOthers()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var source = Events.Source("search");
        var byDescription = await NewIncidentAsync(source, e => e.Description = $"井盖缺失 {marker} 请尽快处理");
        var byAddress = await NewIncidentAsync(source, e => e.Location.Address = $"湖滨路 {marker.ToUpperInvariant()} 号");
        var byNumber = await NewIncidentAsync(source, e => e.SourceEventId = $"GD-{marker}");
        var other = await NewIncidentAsync(source, _ => { });

        var found = await ListAllAsync(server.For(Who.Viewer), new IncidentListQuery { Text = marker, PageSize = 2 });
        var none = await ListAllAsync(server.For(Who.Viewer), new IncidentListQuery { Text = marker + "-none" });

        Assert.Equal(new[] { byDescription, byAddress, byNumber }.Order(), found.Select(i => i.Id).Order());
        Assert.DoesNotContain(other, found.Select(i => i.Id));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Text_NarrowedByTheCallersRole_AndOtherFilters()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var source = Events.Source("search-role");
        var inside = await NewIncidentAsync(source, e => e.Description = marker, "g001");
        var outside = await NewIncidentAsync(source, e => e.Description = marker, "g050");

        var c01 = await ListAllAsync(server.For(Who.Dispatcher("c01")), new IncidentListQuery { Text = marker });
        var accepted = await ListAllAsync(server.For(Who.Viewer), new IncidentListQuery { Text = marker, Statuses = { IncidentStatus.Accepted } });
        var byTimeLeft = await ListAllAsync(server.For(Who.Viewer), new IncidentListQuery { Text = marker, Order = IncidentOrder.TimeLeft });

        Assert.Equal([inside], c01.Select(i => i.Id));
        Assert.Empty(accepted); // all are still reported
        Assert.Equal(new[] { inside, outside }.Order(), byTimeLeft.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task Phone_DispatcherFindsByWholeNumberOrLastDigits_AndMissesOthers()
    {
        var digits = Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var source = Events.Source("search-phone");
        var id = await NewIncidentAsync(source, e => e.Reporter = new Reporter { Name = "张三", Phone = $"+86 139-{digits[..4]}-{digits[4..]}" });
        await NewIncidentAsync(source, e => e.Reporter = new Reporter { Name = "李四", Phone = "13900000000" });

        var whole = await ListAllAsync(server.For(Who.Dispatcher()), new IncidentListQuery { ReporterPhone = "139" + digits, Source = source });
        var last = await ListAllAsync(server.For(Who.Admin), new IncidentListQuery { ReporterPhone = digits[4..], Source = source });
        var miss = await ListAllAsync(server.For(Who.Dispatcher()), new IncidentListQuery { ReporterPhone = "139" + digits + "1", Source = source });

        var row = Assert.Single(whole);
        Assert.Equal(id, row.Id);
        Assert.Equal([id], last.Select(i => i.Id));
        Assert.Empty(miss);
        var read = await server.For(Who.Dispatcher()).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true });
        Assert.Equal($"+86 139-{digits[..4]}-{digits[4..]}", read.Incident.Reporter.Phone); // the dispatcher sees it in full
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("department")]
    [InlineData("worker")]
    public async Task Phone_RoleThatSeesReportersMasked_PermissionDeniedSayingWhy(string role)
    {
        var caller = role switch
        {
            "viewer" => Who.Viewer,
            "department" => Who.Department("sanitation"),
            _ => Who.Worker("g001"),
        };

        var error = await Expect.StatusAsync(StatusCode.PermissionDenied, () =>
            server.For(caller).Query.ListIncidentsAsync(new IncidentListQuery { ReporterPhone = "13800138000" }));

        Assert.Contains("reporter_phone", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("personal information", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("   ", "", "text")]
    [InlineData("", "12", "reporter_phone")]
    [InlineData("", "+86 - ", "reporter_phone")]
    [InlineData("", "call me", "reporter_phone")]
    public async Task BadFilter_InvalidArgumentNamingTheField(string text, string phone, string field)
    {
        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () =>
            server.For(Who.Dispatcher()).Query.ListIncidentsAsync(new IncidentListQuery { Text = text, ReporterPhone = phone }));

        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadFilter_OnTheJsonRoute_400NamingTheField()
    {
        using var tooLong = await GetAsync($"/v1/incidents?text={new string('x', 101)}", Who.Viewer);
        using var masked = await GetAsync("/v1/incidents?reporterPhone=13800138000", Who.Viewer);

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("text: longer than 100 characters", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, masked.StatusCode);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> GetAsync(string path, Actor caller)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.HttpAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(caller));
        return await _http.SendAsync(request);
    }

    private async Task<string> NewIncidentAsync(string source, Action<IntakeEvent> change, string grid = "g001")
    {
        var e = Events.Alert(server, source, grid);
        change(e);
        return (await server.For(Who.Feed(source)).Intake.SubmitAsync(new SubmitRequest { Event = e })).IncidentId;
    }

    private static async Task<List<IncidentSummary>> ListAllAsync(ApiClients api, IncidentListQuery query)
    {
        var all = new List<IncidentSummary>();
        do
        {
            var page = await api.Query.ListIncidentsAsync(query);
            Assert.True(page.Incidents.Count <= (query.PageSize == 0 ? 50 : query.PageSize));
            all.AddRange(page.Incidents);
            query.PageToken = page.NextPageToken;
        }
        while (query.PageToken.Length > 0);

        return all;
    }
}
