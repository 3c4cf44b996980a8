using CityBrain.Contracts;
using CityBrain.Grains.Incidents;
using CityBrain.Grains.Intake;
using CityBrain.Grains.Tests.Infrastructure;
using CityBrain.Storage;
using Microsoft.Extensions.Time.Testing;

namespace CityBrain.Grains.Tests.Intake;

/// <summary>Intake hygiene: idempotency, bad input, routing, video-alert merging, CAP cancels.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class IntakeTests(DatabaseFixture database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 1, 0, 0, TimeSpan.Zero));

    private async Task<TestSilo> StartAsync() => await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock);

    [Fact]
    public async Task Submit_Retried_ReturnsTheSameIncidentAndRecordsOnce()
    {
        await using var silo = await StartAsync();
        var e = Events.Alert("12345", "ticket-9");

        var first = await silo.SubmitAsync(e);
        var retry = await silo.SubmitAsync(e);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => silo.SubmitAsync(e)));

        Assert.Equal(IntakeOutcome.Created, first.Outcome);
        Assert.Equal(IncidentIds.For("12345", "ticket-9"), first.IncidentId);
        Assert.Equal((first.IncidentId, IntakeOutcome.Existing), (retry.IncidentId, retry.Outcome));
        Assert.All(concurrent, ack => Assert.Equal(first.IncidentId, ack.IncidentId));
        Assert.Equal(1, await silo.JournalLengthAsync(first.IncidentId));
        var day = silo.City.LocalDay(_clock.GetUtcNow());
        var indexed = await IncidentIndex.ListDayAsync(silo.Feed, day, CancellationToken.None);
        Assert.Equal([first.IncidentId], indexed);
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { "latitude", "location.latitude" },
        { "longitude", "location.longitude" },
        { "one-coordinate", "location.longitude" },
        { "no-location", "location" },
        { "category", "category_code" },
        { "grid", "location.grid_id" },
        { "source", "source" },
        { "event-id", "source_event_id" },
        { "severity", "severity" },
        { "description", "description" },
        { "future", "occurred_at" },
        { "cancel-without-reference", "references_event_id" },
        { "video-without-camera", "video.camera_id" },
        { "control-characters", "source_event_id" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task Submit_InvalidEvent_NamesTheFieldAndStoresNothing(string defect, string path)
    {
        await using var silo = await StartAsync();
        var e = Events.Alert("12345", "bad-" + defect);
        switch (defect)
        {
            case "latitude": e.Location.Latitude = 91; break;
            case "longitude": e.Location.Longitude = double.NaN; break;
            case "one-coordinate": e.Location.ClearLongitude(); break;
            case "no-location": e.Location = null; break;
            case "category": e.CategoryCode = "77.77"; break;
            case "grid": e.Location.GridId = "g999"; break;
            case "source": e.Source = string.Empty; break;
            case "event-id": e.SourceEventId = new string('x', 129); break;
            case "severity": e.Severity = (Severity)42; break;
            case "description": e.Description = new string('描', 4001); break;
            case "future": e.OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_clock.GetUtcNow().AddHours(1)); break;
            case "cancel-without-reference": e.MessageType = MessageType.Cancel; break;
            case "video-without-camera": e.Video = new VideoAlert { AlarmType = "smoke" }; break;
            case "control-characters": e.SourceEventId = "a\u0000b"; break;
        }

        var refused = await Assert.ThrowsAsync<ValidationException>(() => silo.Intake.SubmitAsync(Who.Feed("12345"), e));

        Assert.Contains(refused.Errors, error => error.Path == path);
        Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
        if (e.Source.Length > 0 && e.SourceEventId.Length is > 0 and <= 128)
        {
            await Assert.ThrowsAsync<NotFoundException>(() => silo.Incident(IncidentIds.For(e.Source, e.SourceEventId)).Get(Who.Admin));
        }
    }

    [Fact]
    public async Task Submit_FeedOfAnotherSourceOrDepartment_DeniedAndStoresNothing()
    {
        await using var silo = await StartAsync();
        var e = Events.Alert("12345", "spoof");

        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Intake.SubmitAsync(Who.Feed("iot"), e));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Intake.SubmitAsync(Who.Department("police"), e));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Intake.SubmitAsync(new Actor(), e));

        await Assert.ThrowsAsync<NotFoundException>(() => silo.Incident(IncidentIds.For("12345", "spoof")).Get(Who.Admin));
    }

    [Fact]
    public async Task Submit_RoutesByPointInPolygonOrGivenGrid()
    {
        await using var silo = await StartAsync();
        var target = silo.City.GridsById["g087"];
        var centre = target.Polygon.InteriorPoint;

        var byPoint = await silo.SubmitAsync(Events.Alert("app", "p-1", "14.01", new Location { Longitude = centre.X, Latitude = centre.Y }));
        var byGrid = await silo.SubmitAsync(Events.Alert("app", "p-2", "14.01", new Location { GridId = "g012" }));
        var outside = await silo.SubmitAsync(Events.Alert("app", "p-3", "14.01", new Location { Longitude = 121, Latitude = 31 }));

        var routed = await silo.Incident(byPoint.IncidentId).Get(Who.Admin);
        Assert.Equal(("g087", target.CommunityId, "st-01"), (routed.GridId, routed.CommunityId, routed.StreetId));
        Assert.Equal(["enforcement", "market"], routed.SuggestedDepartments);
        Assert.Equal(target.Workers[0].Id, routed.GridWorkerId);
        Assert.Equal("g012", (await silo.Incident(byGrid.IncidentId).Get(Who.Admin)).GridId);
        var unrouted = await silo.Incident(outside.IncidentId).Get(Who.Admin);
        Assert.Equal((string.Empty, "st-01"), (unrouted.GridId, unrouted.StreetId));
    }

    [Fact]
    public async Task Video_RepeatedAlertsWithinWindow_MergeIntoOneCountedIncident()
    {
        await using var silo = await StartAsync();

        var first = await silo.SubmitAsync(Events.Video("v-1"));
        await silo.AdvanceAsync(TimeSpan.FromMinutes(3));
        var second = await silo.SubmitAsync(Events.Video("v-2"));
        await silo.AdvanceAsync(TimeSpan.FromMinutes(3));
        var third = await silo.SubmitAsync(Events.Video("v-3"));
        var retried = await silo.SubmitAsync(Events.Video("v-2"));
        var otherCamera = await silo.SubmitAsync(Events.Video("v-4", camera: "cam-8"));

        Assert.Equal(IntakeOutcome.Created, first.Outcome);
        Assert.Equal((first.IncidentId, IntakeOutcome.Merged, 2), (second.IncidentId, second.Outcome, second.AlertCount));
        Assert.Equal((first.IncidentId, 3), (third.IncidentId, third.AlertCount));
        Assert.Equal((first.IncidentId, IntakeOutcome.Existing, 3), (retried.IncidentId, retried.Outcome, retried.AlertCount));
        Assert.NotEqual(first.IncidentId, otherCamera.IncidentId);
        Assert.Equal(3, (await silo.Incident(first.IncidentId).Get(Who.Admin)).AlertCount);
    }

    [Fact]
    public async Task Video_AlertAfterTheWindow_OpensANewIncident()
    {
        await using var silo = await StartAsync();
        var first = await silo.SubmitAsync(Events.Video("w-1"));
        await silo.ActAsync(first.IncidentId, Who.Dispatcher, c => c.Accept = new AcceptAction());
        await silo.ActAsync(first.IncidentId, Who.Dispatcher, c => c.Suspend = new SuspendAction(), "checking the camera"); // no deadline in between

        await silo.AdvanceAsync(TimeSpan.FromMinutes(11));
        var later = await silo.SubmitAsync(Events.Video("w-2"));

        Assert.Equal(IntakeOutcome.Created, later.Outcome);
        Assert.NotEqual(first.IncidentId, later.IncidentId);
    }

    [Fact]
    public async Task Cancel_FalseAlert_ClosesItsIncidentAsRetracted_Idempotently()
    {
        await using var silo = await StartAsync();
        var alert = await silo.SubmitAsync(Events.Alert("iot", "smoke-1", "99.02"));

        var cancelled = await silo.SubmitAsync(Events.Cancel("iot", "smoke-1-cancel", "smoke-1"));
        var again = await silo.SubmitAsync(Events.Cancel("iot", "smoke-1-cancel", "smoke-1"));

        Assert.Equal((alert.IncidentId, IntakeOutcome.Retracted, IncidentStatus.Retracted), (cancelled.IncidentId, cancelled.Outcome, cancelled.Status));
        Assert.Equal(IntakeOutcome.Retracted, again.Outcome);
        Assert.Equal(2, await silo.JournalLengthAsync(alert.IncidentId));
        await Assert.ThrowsAsync<NotFoundException>(() => silo.SubmitAsync(Events.Cancel("iot", "c-2", "never-sent")));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.Intake.SubmitAsync(Who.Feed("app"), Events.Cancel("iot", "c-3", "smoke-1")));
    }

    [Fact]
    public async Task Cancel_MergedVideoAlerts_RetractsTheIncidentWhenNoneIsLeft()
    {
        await using var silo = await StartAsync();
        var video = new VideoAlert { CameraId = "cam-7", AlarmType = "crowd" };
        var first = await silo.SubmitAsync(Events.Video("x-1"));
        await silo.SubmitAsync(Events.Video("x-2"));

        var one = await silo.SubmitAsync(Events.Cancel("video", "x-2-cancel", "x-2", video));
        Assert.Equal(IncidentStatus.Reported, one.Status);
        var two = await silo.SubmitAsync(Events.Cancel("video", "x-1-cancel", "x-1", video));

        Assert.Equal((first.IncidentId, IncidentStatus.Retracted), (two.IncidentId, two.Status));
        var incident = await silo.Incident(first.IncidentId).Get(Who.Admin);
        Assert.Empty(incident.AlertEventIds);
        Assert.All(incident.Clocks, c => Assert.Equal(SlaClockState.Stopped, c.State));
    }

    [Fact]
    public async Task Submit_BeforeAnyCityIsLoaded_RefusedAsUnavailableToRetry()
    {
        await using var silo = await TestSilo.StartAsync(DatabaseKind.Sqlite, await database.NewDatabaseAsync(DatabaseKind.Sqlite), _clock, o => o.LoadDemoCityWhenEmpty = false);

        var refused = await Assert.ThrowsAsync<CityNotLoadedException>(() => silo.SubmitAsync(Events.Alert("12345", "early")));

        // Not the caller's fault: the silo is not ready, and a retrying client must not drop the event (issue 17).
        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
    }

    [Fact]
    public async Task LoadCity_InvalidDefinition_KeepsTheCurrentCity()
    {
        await using var silo = await StartAsync();
        var before = silo.City;

        var refused = await Assert.ThrowsAsync<ValidationException>(() => silo.CityLoader.LoadAsync(Who.Admin, "version: 1\ncity: { id: x, name: y }\n", "broken.yaml"));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => silo.CityLoader.LoadAsync(Who.Dispatcher, CityBrain.Grains.City.CityLoader.DemoCityText(), "city.yaml"));

        Assert.Contains(refused.Errors, e => e.Path == "grids");
        Assert.Same(before, silo.City);
        Assert.Equal(1, (await silo.Grains.GetGrain<ICityGrain>("current").Get()).Version); // 66 KB through the client: a large message on the wire
    }
}
