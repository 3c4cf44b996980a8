using System.Net;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.Incidents;

namespace CityBrain.Gateway.Tests.Alerting;

/// <summary>
/// OASIS CAP 1.2 over HTTP as a video-alert platform sends it (POST /v1/alerts/cap, a feed token): an alert creates an
/// incident in the grid of its area, a retry answers the same one, an update merges into the referenced alert's incident
/// (through a chain of updates), a cancel retracts it, an exercise is an exercise incident outside the real lists, a test
/// is stored nowhere; broken documents get 400 naming the element and store nothing; other roles are refused.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CapAlertTests(GatewayServer server) : IDisposable
{
    private readonly AlertsHttp _http = new(server);

    [Fact]
    public async Task Alert_CreatesTheIncidentInTheAreasGrid_RetryAnswersTheSameIncident()
    {
        var source = Events.Source("cap");
        var identifier = CapSamples.NewIdentifier();
        var document = CapSamples.Document(identifier, server.Clock.GetUtcNow(), server.PointIn("g001"));

        var first = (await _http.PostCapAsync(Who.Feed(source), document)).Receipt();
        var retry = (await _http.PostCapAsync(Who.Feed(source), document)).Receipt();

        Assert.Equal(("created", IncidentIds.For(source, $"{CapSamples.Sender},{identifier}"), false, 1), first);
        Assert.Equal(("existing", first.IncidentId), (retry.Outcome, retry.IncidentId));
        var incident = await _http.IncidentAsync(first.IncidentId);
        Assert.Equal((source, "99.01", Severity.High, "g001", false), (incident.Source, incident.CategoryCode, incident.Severity, incident.GridId, incident.Exercise));
        Assert.StartsWith("湖滨路 12 号 烟火告警\n摄像机 CAM-0012 检测到明火与浓烟\n请就近疏散\ncameraId: CAM-0012", incident.Description, StringComparison.Ordinal);
        Assert.EndsWith("urgency Immediate, severity Severe, certainty Observed", incident.Description, StringComparison.Ordinal);
        Assert.Equal("湖滨路 12 号", incident.Location.Address);
        Assert.Equal(("告警截图", "image/jpeg", "https://video.hz.example/snapshots/cam-0012.jpg"),
            (incident.Attachments[0].Name, incident.Attachments[0].ContentType, incident.Attachments[0].Uri));
    }

    [Fact]
    public async Task UpdatesMergeIntoTheReferencedIncident_ACancelOfTheLatestRetractsTheWholeChain()
    {
        var source = Events.Source("capchain");
        var at = server.PointIn("g002");
        var sent = server.Clock.GetUtcNow();
        var (alert, update, second, cancel) = (CapSamples.NewIdentifier(), CapSamples.NewIdentifier(), CapSamples.NewIdentifier(), CapSamples.NewIdentifier());
        var created = (await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(alert, sent, at))).Receipt();

        // An update in the shape of the specification's earthquake update: references and a circle.
        var updateDocument = CapSamples.Document(update, sent, at, msgType: "Update", references: CapSamples.Reference(alert, sent),
            infos: CapSamples.FireInfo(at, severity: "Extreme", area: CapSamples.Circle(at)));
        var merged = (await _http.PostCapAsync(Who.Feed(source), updateDocument)).Receipt();
        var mergedAgain = (await _http.PostCapAsync(Who.Feed(source), updateDocument)).Receipt();

        // An update of the update (it names only the update): found through where the update went.
        var chained = (await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(second, sent, at, msgType: "Update", references: CapSamples.Reference(update, sent)))).Receipt();

        Assert.Equal(("merged", created.IncidentId, 2), (merged.Outcome, merged.IncidentId, merged.AlertCount));
        Assert.Equal(("existing", created.IncidentId, 2), (mergedAgain.Outcome, mergedAgain.IncidentId, mergedAgain.AlertCount));
        Assert.Equal(("merged", created.IncidentId, 3), (chained.Outcome, chained.IncidentId, chained.AlertCount));
        var incident = await _http.IncidentAsync(created.IncidentId);
        Assert.Equal([$"{CapSamples.Sender},{alert}", $"{CapSamples.Sender},{update}", $"{CapSamples.Sender},{second}"], incident.AlertEventIds);
        Assert.Equal(Severity.High, incident.Severity); // an update is counted; the incident keeps its severity and policy

        var cancelDocument = CapSamples.Document(cancel, sent, at, msgType: "Cancel", references: CapSamples.Reference(second, sent), infos: "");
        var retracted = (await _http.PostCapAsync(Who.Feed(source), cancelDocument)).Receipt();
        var retractedAgain = (await _http.PostCapAsync(Who.Feed(source), cancelDocument)).Receipt();

        Assert.Equal(("retracted", created.IncidentId), (retracted.Outcome, retracted.IncidentId));
        Assert.Equal(("retracted", created.IncidentId), (retractedAgain.Outcome, retractedAgain.IncidentId));
        incident = await _http.IncidentAsync(created.IncidentId);
        Assert.Equal(IncidentStatus.Retracted, incident.Status);
        Assert.Empty(incident.AlertEventIds);
    }

    [Fact]
    public async Task Update_OfAnAlertTheCenterNeverGot_IsAnIncidentOfItsOwn()
    {
        var source = Events.Source("caporphan");
        var sent = server.Clock.GetUtcNow();
        var update = CapSamples.NewIdentifier();

        var receipt = (await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(update, sent, server.PointIn("g001"), msgType: "Update",
            references: CapSamples.Reference("NEVER-SENT", sent)))).Receipt();

        Assert.Equal(("created", IncidentIds.For(source, $"{CapSamples.Sender},{update}")), (receipt.Outcome, receipt.IncidentId));
    }

    [Fact]
    public async Task Cancel_OfAnUnknownAlert_NotFoundAndNothingStored()
    {
        var source = Events.Source("capunknown");
        var sent = server.Clock.GetUtcNow();
        var tail = await server.FeedTailAsync();

        var answer = await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(CapSamples.NewIdentifier(), sent, server.PointIn("g001"), msgType: "Cancel",
            references: CapSamples.Reference("NEVER-SENT", sent), infos: ""));

        Assert.True(answer.Status == HttpStatusCode.NotFound, answer.Text);
        Assert.Contains("NEVER-SENT", answer.Text, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Fact]
    public async Task Exercise_IsAnExerciseIncident_NeverInTheRealLists_AndOnlyExercisesTouchIt()
    {
        var source = Events.Source("capdrill");
        var sent = server.Clock.GetUtcNow();
        var at = server.PointIn("g003");
        var (exercise, real) = (CapSamples.NewIdentifier(), CapSamples.NewIdentifier());

        var receipt = (await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(exercise, sent, at, status: "Exercise"))).Receipt();
        var realReceipt = (await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(real, sent, at))).Receipt();
        var tail = await server.FeedTailAsync();
        var crossed = await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(CapSamples.NewIdentifier(), sent, at, status: "Exercise", msgType: "Cancel",
            references: CapSamples.Reference(real, sent), infos: ""));
        var tailAfterCrossed = await server.FeedTailAsync();
        var cancelled = (await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(CapSamples.NewIdentifier(), sent, at, status: "Exercise", msgType: "Cancel",
            references: CapSamples.Reference(exercise, sent), infos: ""))).Receipt();

        Assert.Equal(("created", true), (receipt.Outcome, receipt.Exercise));
        var incident = await _http.IncidentAsync(receipt.IncidentId);
        Assert.True(incident.Exercise);
        Assert.Equal(string.Empty, incident.DrillId);
        var listed = await server.For(Who.Viewer).Query.ListIncidentsAsync(new IncidentListQuery { Source = source });
        Assert.Equal([realReceipt.IncidentId], listed.Incidents.Select(i => i.Id));
        Assert.True(crossed.Status == HttpStatusCode.BadRequest, crossed.Text);
        Assert.Contains("status: an exercise cannot update or cancel a real alert", crossed.Text, StringComparison.Ordinal);
        Assert.Equal(tail, tailAfterCrossed);
        Assert.Equal(("retracted", receipt.IncidentId, true), (cancelled.Outcome, cancelled.IncidentId, cancelled.Exercise));
        Assert.Equal(IncidentStatus.Reported, (await _http.IncidentAsync(realReceipt.IncidentId)).Status);
    }

    [Theory]
    [InlineData("Test", "Alert")]
    [InlineData("Test", "Update")]
    [InlineData("Test", "Cancel")]
    [InlineData("System", "Alert")]
    [InlineData("Draft", "Alert")]
    [InlineData("Actual", "Ack")]
    [InlineData("Actual", "Error")]
    public async Task TestSystemDraftAckError_AcknowledgedAndStoredNowhere(string status, string msgType)
    {
        var source = Events.Source("captest");
        var sent = server.Clock.GetUtcNow();
        var identifier = CapSamples.NewIdentifier();
        var tail = await server.FeedTailAsync();

        var receipt = (await _http.PostCapAsync(Who.Feed(source), CapSamples.Document(identifier, sent, server.PointIn("g001"), status, msgType,
            references: msgType == "Alert" ? null : CapSamples.Reference("EARLIER", sent), infos: msgType == "Cancel" ? "" : null))).Receipt();

        Assert.Equal(("not_stored", "", false, 0), receipt);
        Assert.Equal(tail, await server.FeedTailAsync());
        await Expect.StatusAsync(Grpc.Core.StatusCode.NotFound, () => server.For(Who.Admin).Query.GetIncidentAsync(
            new GetIncidentRequest { IncidentId = IncidentIds.For(source, $"{CapSamples.Sender},{identifier}") }));
    }

    [Theory]
    [InlineData("Actual")]
    [InlineData("Test")]
    public async Task EventTheCityDoesNotMap_400NamingTheEvent_ATestToo(string status)
    {
        var source = Events.Source("capevent");
        var document = CapSamples.Document(CapSamples.NewIdentifier(), server.Clock.GetUtcNow(), server.PointIn("g001"), status: status,
            infos: CapSamples.FireInfo(server.PointIn("g001"), eventName: "外星人入侵").Replace("<category>Fire</category>", "<category>Other</category>", StringComparison.Ordinal));
        var tail = await server.FeedTailAsync();

        var answer = await _http.PostCapAsync(Who.Feed(source), document);

        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.Text);
        Assert.Contains("info[0].event: no category of the city for the event '外星人入侵' nor for the categories Other (city file: intake.alert_events)", answer.Text, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    public static TheoryData<string, string, string, string> BadDocuments() => new()
    {
        { "malformed XML", "</alert>", "", "alert: not a well-formed XML document" },
        { "wrong namespace", "cap:1.2", "cap:1.1", "alert: the namespace is 'urn:oasis:names:tc:emergency:cap:1.1'" },
        { "a DTD", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "alert: not a well-formed XML document without a DTD" },
        { "missing sender", "<sender>video-platform@hz.example</sender>", "", "sender: required" },
        { "missing certainty", "<certainty>Observed</certainty>", "", "info[0].certainty: required" },
        { "bad status", "<status>Actual</status>", "<status>actual</status>", "status: 'actual' is not one of Actual, Exercise, System, Test, Draft" },
        { "bad severity", "<severity>Severe</severity>", "<severity>High</severity>", "info[0].severity: 'High' is not one of Extreme, Severe, Moderate, Minor, Unknown" },
        { "polygon of three pairs", "<polygon>", "<polygon>30.26,120.15 30.27,120.15 30.26,120.15</polygon><polygon>", "info[0].area[0].polygon[0]: 3 coordinate pairs" },
        { "polygon not closed", "<polygon>", "<polygon>30.26,120.15 30.27,120.15 30.27,120.16 30.26,120.16</polygon><polygon>", "info[0].area[0].polygon[0]: the first and last coordinate pairs differ" },
        { "sent without a time zone", "+08:00</sent>", "</sent>", "sent: " },
        { "oversized document", "摄像机", new string('x', 300 * 1024), "alert: the document is larger than 262144 bytes" },
        { "no area", "<area>", "<!--", "info[0].area[0]: required" },
        { "an update without references", "<msgType>Alert</msgType>", "<msgType>Update</msgType>", "references: required for msgType Update" },
        { "no info", "<info>", "<!--", "info[0]: required for an Alert" },
        { "not XML", "<alert", "<alert", "content-type: 'application/json' is not application/cap+xml" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public async Task BadDocument_400NamingTheElement_StoresNothing(string why, string replace, string with, string expected)
    {
        var source = Events.Source("capbad");
        var document = CapSamples.Break(CapSamples.Document(CapSamples.NewIdentifier(), server.Clock.GetUtcNow(), server.PointIn("g001")), replace, with);
        var tail = await server.FeedTailAsync();

        var answer = await _http.PostCapAsync(Who.Feed(source), document, contentType: why == "not XML" ? "application/json" : "application/cap+xml");

        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{why}: HTTP {(int)answer.Status} {answer.Text}");
        Assert.Contains(expected, answer.Text, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Fact]
    public async Task SentInTheFuture_400NamingSent()
    {
        var answer = await _http.PostCapAsync(Who.Feed(Events.Source("capfuture")),
            CapSamples.Document(CapSamples.NewIdentifier(), server.Clock.GetUtcNow().AddHours(2), server.PointIn("g001")));

        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.Text);
        Assert.Contains("sent: in the future", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherRolesOrNoToken_Refused()
    {
        var document = CapSamples.Document(CapSamples.NewIdentifier(), server.Clock.GetUtcNow(), server.PointIn("g001"));

        Assert.Equal(HttpStatusCode.Forbidden, (await _http.PostCapAsync(Who.Viewer, document)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.PostCapAsync(Who.Dispatcher(), document)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.PostCapAsync(null, document)).Status);
    }

    [Fact]
    public async Task Receipt_AsJsonWhenTheCallerAcceptsJson()
    {
        var answer = await _http.PostCapAsync(Who.Feed(Events.Source("capjson")),
            CapSamples.Document(CapSamples.NewIdentifier(), server.Clock.GetUtcNow(), server.PointIn("g001")), accept: "application/json");

        Assert.Equal("application/json", answer.ContentType);
        var receipt = answer.Receipt();
        Assert.Equal(("ALERT_OUTCOME_CREATED", 1), (receipt.Outcome, receipt.AlertCount));
        Assert.StartsWith("inc-", receipt.IncidentId, StringComparison.Ordinal);
        Assert.False(System.Text.Json.JsonDocument.Parse(answer.Text).RootElement.GetProperty("exercise").GetBoolean()); // every field, as the video webhook's
    }

    public void Dispose() => _http.Dispose();
}
