using System.Net;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway.Tests.Infrastructure;

namespace CityBrain.Gateway.Tests.Alerting;

/// <summary>
/// The JSON webhook of video-analytics boxes (POST /v1/alerts/video) on the same path as CAP: an alarm creates an
/// incident, a retry answers it, a burst of one camera and event type counts on one incident, a cancel retracts one
/// alarm; an exercise alarm is an exercise incident that real alarms of the camera never merge into; a test is stored
/// nowhere; bad JSON or fields get 400 naming the field and store nothing.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class VideoAlarmTests(GatewayServer server) : IDisposable
{
    private readonly AlertsHttp _http = new(server);

    [Fact]
    public async Task Alarms_BurstOfOneCameraMerges_RetryAnswersTheSame_CancelsRetractOneByOne()
    {
        var source = Events.Source("video");
        var camera = "CAM-" + Guid.NewGuid().ToString("N")[..6];
        var (first, second) = ("AL-" + Guid.NewGuid().ToString("N")[..10], "AL-" + Guid.NewGuid().ToString("N")[..10]);

        var created = (await _http.PostVideoAsync(Who.Feed(source), Alarm(first, camera))).Receipt();
        var retry = (await _http.PostVideoAsync(Who.Feed(source), Alarm(first, camera))).Receipt();
        var merged = (await _http.PostVideoAsync(Who.Feed(source), Alarm(second, camera))).Receipt();

        Assert.Equal(("ALERT_OUTCOME_CREATED", 1), (created.Outcome, created.AlertCount));
        Assert.Equal(("ALERT_OUTCOME_EXISTING", created.IncidentId), (retry.Outcome, retry.IncidentId));
        Assert.Equal(("ALERT_OUTCOME_MERGED", created.IncidentId, 2), (merged.Outcome, merged.IncidentId, merged.AlertCount));
        var incident = await _http.IncidentAsync(created.IncidentId);
        Assert.Equal(("14.06", "g001", camera, "illegal_parking"), (incident.CategoryCode, incident.GridId, incident.Video.CameraId, incident.Video.AlarmType));
        Assert.Equal("https://video.hz.example/snapshots/a.jpg", Assert.Single(incident.Attachments).Uri);
        Assert.Equal("违停\ncamera " + camera + ", confidence 0.91", incident.Description);

        var one = (await _http.PostVideoAsync(Who.Feed(source), Cancel("X-" + first, camera, first))).Receipt();
        Assert.Equal(("ALERT_OUTCOME_RETRACTED", created.IncidentId), (one.Outcome, one.IncidentId));
        Assert.Equal(IncidentStatus.Reported, (await _http.IncidentAsync(created.IncidentId)).Status);
        (await _http.PostVideoAsync(Who.Feed(source), Cancel("X-" + second, camera, second))).Receipt();
        Assert.Equal(IncidentStatus.Retracted, (await _http.IncidentAsync(created.IncidentId)).Status);
    }

    [Fact]
    public async Task ExerciseAlarm_AnExerciseIncident_RealAlarmsOfTheCameraNeverMergeIntoIt()
    {
        var source = Events.Source("videodrill");
        var camera = "CAM-" + Guid.NewGuid().ToString("N")[..6];

        var exercise = (await _http.PostVideoAsync(Who.Feed(source), Alarm("AL-E-" + camera, camera, status: "ALERT_STATUS_EXERCISE"))).Receipt();
        var real = (await _http.PostVideoAsync(Who.Feed(source), Alarm("AL-R-" + camera, camera))).Receipt();

        Assert.Equal(("ALERT_OUTCOME_CREATED", true), (exercise.Outcome, exercise.Exercise));
        Assert.Equal(("ALERT_OUTCOME_CREATED", false), (real.Outcome, real.Exercise));
        Assert.NotEqual(exercise.IncidentId, real.IncidentId);
        Assert.True((await _http.IncidentAsync(exercise.IncidentId)).Exercise);
    }

    [Fact]
    public async Task TestAlarm_AcknowledgedAndStoredNowhere()
    {
        var tail = await server.FeedTailAsync();

        var receipt = (await _http.PostVideoAsync(Who.Feed(Events.Source("videotest")), Alarm("AL-T-1", "CAM-T", status: "ALERT_STATUS_TEST"))).Receipt();

        Assert.Equal(("ALERT_OUTCOME_NOT_STORED", ""), (receipt.Outcome, receipt.IncidentId));
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    private const string Truncated = """{"alarmId": "AL-1", "cameraId": """;

    public static TheoryData<string, string, string> BadAlarms() => new()
    {
        // Not JSON of the alarm: refused before JSON transcoding reads it, naming the position or the field.
        { "malformed JSON (truncated)", Truncated, $"body: invalid JSON at line 1, position {Truncated.Length + 1}" },
        { "malformed JSON (second line)", "{\"alarmId\": \"AL-1\",\n \"cameraId\" \"C\"}", "body: invalid JSON at line 2, position 13" },
        { "a string where a number goes", """{"alarmId": "AL-1", "cameraId": "C", "eventType": "illegal_parking", "confidence": "high", "address": "x"}""", "confidence: expected a number, got a string" },
        { "a number where a string goes", """{"alarmId": "AL-1", "cameraId": 12, "eventType": "illegal_parking", "address": "x"}""", "camera_id: expected a string, got a number" },
        { "an unknown status", AlarmJson("AL-1", "CAM-1", status: "ALERT_STATUS_MAYBE"), "status: unknown value 'ALERT_STATUS_MAYBE' (one of ALERT_STATUS_UNSPECIFIED, ALERT_STATUS_ACTUAL, ALERT_STATUS_EXERCISE, ALERT_STATUS_TEST)" },
        { "a time that is not a string", """{"alarmId": "AL-1", "cameraId": "C", "eventType": "illegal_parking", "address": "x", "time": 1764723600}""", "time: expected a string, got a number" },
        { "no alarm id", AlarmJson("", "CAM-1"), "alarm_id: required" },
        { "no camera", AlarmJson("AL-1", ""), "camera_id: required" },
        { "an event type the city does not map", AlarmJson("AL-1", "CAM-1", eventType: "ufo"), "event_type: unknown event type 'ufo'" },
        { "confidence above 1", AlarmJson("AL-1", "CAM-1", confidence: 1.5), "confidence: not between 0 and 1" },
        { "latitude out of range", AlarmJson("AL-1", "CAM-1", latitude: 95), "latitude: out of range" },
        { "no place", AlarmJson("AL-1", "CAM-1", latitude: null), "address: required without latitude and longitude" },
        { "snapshot not a link", AlarmJson("AL-1", "CAM-1", snapshot: "file:///tmp/a.jpg"), "snapshot_url: not an http(s) URL" },
        { "cancel of an alarm the center never got", Cancel("X-1", "CAM-NONE", "AL-NEVER"), "AL-NEVER" },
    };

    [Theory]
    [MemberData(nameof(BadAlarms))]
    public async Task BadAlarm_400NamingTheField_StoresNothing(string why, string json, string expected)
    {
        var tail = await server.FeedTailAsync();

        var answer = await _http.PostVideoAsync(Who.Feed(Events.Source("videobad")), json);

        Assert.True(answer.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{why}: HTTP {(int)answer.Status} {answer.Text}");
        Assert.Contains(expected, answer.Text, StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Fact]
    public async Task OtherRolesOrNoToken_Refused()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.PostVideoAsync(Who.Viewer, Alarm("AL-V", "CAM-V"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.PostVideoAsync(null, Alarm("AL-V", "CAM-V"))).Status);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>An alarm as documented in src/Gateway/README.md, in grid g001 unless told.</summary>
    private string Alarm(string id, string camera, string eventType = "illegal_parking", string status = "ALERT_STATUS_ACTUAL", double confidence = 0.91, double? latitude = 0, string snapshot = "https://video.hz.example/snapshots/a.jpg")
    {
        var (lon, lat) = server.PointIn("g001");
        return AlarmJson(id, camera, eventType, status, confidence, latitude == 0 ? lat : latitude, lon, snapshot);
    }

    private static string AlarmJson(string id, string camera, string eventType = "illegal_parking", string status = "ALERT_STATUS_ACTUAL", double confidence = 0.91, double? latitude = 30.26, double longitude = 120.15, string snapshot = "https://video.hz.example/snapshots/a.jpg") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["alarmId"] = id,
            ["cameraId"] = camera,
            ["eventType"] = eventType,
            ["confidence"] = confidence,
            ["time"] = null,
            ["latitude"] = latitude,
            ["longitude"] = latitude is null ? null : longitude,
            ["snapshotUrl"] = snapshot,
            ["description"] = "违停",
            ["status"] = status,
        }.Where(p => p.Value is not null).ToDictionary());

    private static string Cancel(string id, string camera, string cancels) =>
        JsonSerializer.Serialize(new { alarmId = id, cameraId = camera, eventType = "illegal_parking", cancelsAlarmId = cancels });
}
