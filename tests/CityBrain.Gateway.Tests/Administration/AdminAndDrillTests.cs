using CityBrain.Gateway.Api;
using CityBrain.Contracts;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.City;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Administration;

/// <summary>Admin and Drills over the real server.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AdminAndDrillTests(GatewayServer server)
{
    private readonly ApiClients _admin = server.For(Who.Admin);

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
    public async Task Drill_StartedByDispatcher_StatusAndReportReadableMarkedExercise()
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
        await Expect.StatusAsync(StatusCode.NotFound, () => server.For(Who.Viewer).Drills.GetDrillStatusAsync(new DrillRef { DrillId = "no-such-drill" }));
        await Expect.StatusAsync(StatusCode.InvalidArgument, () => dispatcher.Drills.StartDrillAsync(new DrillScenarioRequest { ScenarioText = "nonsense: [" }));
    }
}
