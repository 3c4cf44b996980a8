using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityBrain.Gateway.Api;
using CityBrain.Contracts;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.City;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Administration;

/// <summary>Admin and Drills over the real server.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AdminAndDrillTests(GatewayServer server) : IDisposable
{
    private readonly ApiClients _admin = server.For(Who.Admin);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task LoadCity_InvalidDefinition_InvalidArgumentListingErrorsAndNothingChanged()
    {
        var before = await _admin.Admin.GetCityAsync(new GetCityRequest());

        var error = await Expect.StatusAsync(StatusCode.InvalidArgument, () => _admin.Admin.LoadCityAsync(new LoadCityRequest
        {
            Text = "version: 1\ncity: { id: x, name: x }\nstreets: []\nsurprise: true\n",
            FileName = "broken.yaml",
        }));

        Assert.Contains("surprise", error.Status.Detail, StringComparison.Ordinal);
        var after = await _admin.Admin.GetCityAsync(new GetCityRequest());
        Assert.Equal(before.Summary.Version, after.Summary.Version);
        Assert.Equal(before.Document.Sha256, after.Document.Sha256);
    }

    [Fact]
    public async Task LoadCity_NewDefinitionThenTheOriginal_VersionsMoveAndTheCityServes()
    {
        var original = await _admin.Admin.GetCityAsync(new GetCityRequest());
        var renamed = CityLoader.DemoCityText().Replace("name: 示范市", "name: 示范市（演示）", StringComparison.Ordinal);

        var loaded = await _admin.Admin.LoadCityAsync(new LoadCityRequest { Text = renamed, FileName = "city.yaml" });
        var restored = await _admin.Admin.LoadCityAsync(new LoadCityRequest { Text = original.Document.Text, FileName = "city.yaml" });
        var reloaded = await _admin.Admin.ReloadCityAsync(new ReloadCityRequest());

        Assert.Equal("示范市（演示）", loaded.Name);
        Assert.True(loaded.Version > original.Summary.Version);
        Assert.True(restored.Version > loaded.Version);
        Assert.Equal(restored.Version, reloaded.Version);
        Assert.Equal(170, reloaded.Grids);
    }

    [Fact]
    public async Task LoadCity_Dispatcher_PermissionDenied()
    {
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Dispatcher()).Admin.LoadCityAsync(new LoadCityRequest { Text = "x" }));
    }

    [Fact]
    public async Task Drill_StartedByDispatcher_StatusAndReportReadableMarkedExercise_ListedApartFromRealIncidents()
    {
        var scenario = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Data", "flood-linkage.yaml")))
            .Replace("flood-linkage-2026-11", "gateway-drill-" + Guid.NewGuid().ToString("N")[..6], StringComparison.Ordinal);
        var dispatcher = server.For(Who.Dispatcher());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var watch = server.For(Who.Admin).Query.WatchIncidents(new IncidentWatchQuery { FromNow = true }, cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext());

        var status = await dispatcher.Drills.StartDrillAsync(new DrillScenarioRequest { ScenarioText = scenario, FileName = "flood.yaml" });

        // The first event is due at once: let the (fake) clock deliver it once the deadline shards know of it, and wait
        // for its incident.
        await server.AdvanceClockAsync(TimeSpan.Zero);
        while (await watch.ResponseStream.MoveNext() && !watch.ResponseStream.Current.Changes.Any(c => c.DrillId == status.DrillId))
        {
        }

        var again = await server.For(Who.Viewer).Drills.GetDrillStatusAsync(new DrillRef { DrillId = status.DrillId });
        var report = await server.For(Who.Viewer).Drills.GetDrillReportAsync(new DrillRef { DrillId = status.DrillId });

        Assert.Equal(status.DrillId, again.DrillId);
        Assert.NotEmpty(again.IncidentIds);
        var incident = (await dispatcher.Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = again.IncidentIds[0], OmitJournal = true })).Incident;
        Assert.True(incident.Exercise);
        Assert.Equal(status.DrillId, report.Status.DrillId);

        // Drill incidents are listed apart (drills = true), never among the real ones.
        var drills = await dispatcher.Query.ListIncidentsAsync(new IncidentListQuery { Drills = true, Source = incident.Source, PageSize = 500 });
        var real = await dispatcher.Query.ListIncidentsAsync(new IncidentListQuery { Source = incident.Source, PageSize = 500 });
        Assert.Contains(drills.Incidents, i => i.Id == incident.Id);
        Assert.All(drills.Incidents, i => Assert.True(i.Exercise));
        Assert.DoesNotContain(real.Incidents, i => i.Id == incident.Id || i.Exercise);
        await Expect.StatusAsync(StatusCode.NotFound, () => server.For(Who.Viewer).Drills.GetDrillStatusAsync(new DrillRef { DrillId = "no-such-drill" }));
        await Expect.StatusAsync(StatusCode.InvalidArgument, () => dispatcher.Drills.StartDrillAsync(new DrillScenarioRequest { ScenarioText = "nonsense: [" }));
    }

    [Fact]
    public async Task Drill_ListedStoppedAndCancelled_ByTheCenter_ViewerListsButMayNotStop()
    {
        var id = "gateway-stop-" + Guid.NewGuid().ToString("N")[..6];
        var scenario = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Data", "flood-linkage.yaml")))
            .Replace("flood-linkage-2026-11", id, StringComparison.Ordinal);
        var dispatcher = server.For(Who.Dispatcher());
        var viewer = server.For(Who.Viewer);

        // An earlier drill, so that the list has a second page whatever other tests ran before this one.
        var earlier = scenario.Replace(id, id + "-earlier", StringComparison.Ordinal);
        await dispatcher.Drills.StartDrillAsync(new DrillScenarioRequest { ScenarioText = earlier, FileName = "flood-earlier.yaml" });
        await dispatcher.Drills.StartDrillAsync(new DrillScenarioRequest { ScenarioText = scenario, FileName = "flood.yaml" });

        var listed = (await viewer.Drills.ListDrillsAsync(new ListDrillsRequest { PageSize = 100 })).Drills[0]; // newest first
        Assert.Equal((id, DrillState.Running, "dispatcher-city", 2), (listed.DrillId, listed.State, listed.StartedBy, listed.EventsTotal));
        Assert.Empty(listed.IncidentIds);

        await Expect.StatusAsync(StatusCode.PermissionDenied, () => viewer.Drills.StopDrillAsync(new DrillAction { DrillId = id }));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => viewer.Drills.CancelDrillAsync(new DrillAction { DrillId = id }));
        await Expect.StatusAsync(StatusCode.NotFound, () => dispatcher.Drills.StopDrillAsync(new DrillAction { DrillId = "no-such-drill" }));
        await Expect.StatusAsync(StatusCode.NotFound, () => dispatcher.Drills.CancelDrillAsync(new DrillAction { DrillId = "no-such-drill" }));
        await Expect.StatusAsync(StatusCode.InvalidArgument, () => viewer.Drills.ListDrillsAsync(new ListDrillsRequest { PageToken = "not-a-token" }));

        var stopped = await dispatcher.Drills.StopDrillAsync(new DrillAction { DrillId = id, Reason = "演练暂停" });
        Assert.Equal((DrillState.Stopped, "dispatcher-city", "演练暂停"), (stopped.State, stopped.StoppedBy, stopped.StopReason));
        var again = await Expect.StatusAsync(StatusCode.FailedPrecondition, () => dispatcher.Drills.StopDrillAsync(new DrillAction { DrillId = id }));
        Assert.Contains($"Drill '{id}' was stopped", again.Status.Detail, StringComparison.Ordinal);

        // The same through JSON: the list, the cancel, and a stop of the cancelled drill (FAILED_PRECONDITION: 400).
        var list = await JsonAsync(HttpMethod.Get, "/v1/drills?pageSize=1", server.Token(Who.Viewer), null, HttpStatusCode.OK);
        var row = list.GetProperty("drills")[0];
        Assert.Equal((id, "DRILL_STATE_STOPPED"), (row.GetProperty("drillId").GetString(), row.GetProperty("state").GetString()));
        Assert.False(string.IsNullOrEmpty(list.GetProperty("nextPageToken").GetString()));
        var cancelled = await JsonAsync(HttpMethod.Post, $"/v1/drills/{id}:cancel", server.Token(Who.Admin), """{"reason":"演练结束"}""", HttpStatusCode.OK);
        Assert.Equal(("DRILL_STATE_CANCELLED", "admin-1"), (cancelled.GetProperty("state").GetString(), cancelled.GetProperty("stoppedBy").GetString()));
        var refused = await JsonAsync(HttpMethod.Post, $"/v1/drills/{id}:stop", server.Token(Who.Admin), "{}", HttpStatusCode.BadRequest);
        Assert.Equal((int)StatusCode.FailedPrecondition, refused.GetProperty("code").GetInt32());
        Assert.Contains("was cancelled", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        await JsonAsync(HttpMethod.Post, $"/v1/drills/{id}:stop", server.Token(Who.Viewer), "{}", HttpStatusCode.Forbidden);
    }

    private async Task<JsonElement> JsonAsync(HttpMethod method, string path, string token, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.HttpAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"HTTP {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }
}
