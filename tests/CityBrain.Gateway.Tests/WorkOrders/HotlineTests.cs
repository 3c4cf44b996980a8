using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Storage;

namespace CityBrain.Gateway.Tests.WorkOrders;

/// <summary>The 12345 work-order adapter as a hotline platform uses it: JSON over HTTP, the receipt, idempotent retries,
/// 400s that name the field and store nothing, the status updates and closing reply on its signed callback, and the
/// caller's personal information masked for every role but dispatcher and admin.</summary>
[Collection(HotlineCollection.Name)]
public sealed class HotlineTests(HotlineServer server)
{
    private const string WorkOrderPath = "/v1/hotline/work-orders";

    [Fact]
    public async Task SubmitWorkOrder_Json_ReceiptAtOnce_RetryAnswersTheSameIncident()
    {
        var number = NewNumber();
        using var http = Http(Who.Feed(HotlineServer.Source));

        var first = await PostAsync(http, WorkOrderJson(number));
        var retry = await PostAsync(http, WorkOrderJson(number));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(number, first.Json.GetProperty("workOrderNo").GetString());
        var incidentId = first.Json.GetProperty("incidentId").GetString();
        Assert.False(string.IsNullOrEmpty(incidentId));
        Assert.True(first.Json.TryGetProperty("receivedAt", out _));
        Assert.False(first.Json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(incidentId, retry.Json.GetProperty("incidentId").GetString());
        Assert.True(retry.Json.GetProperty("duplicate").GetBoolean());
        var incident = (await server.For(Who.Dispatcher()).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = incidentId, OmitJournal = true })).Incident;
        Assert.Equal((HotlineServer.Source, number, "90.03", Severity.High), (incident.Source, incident.SourceEventId, incident.CategoryCode, incident.Severity));
        Assert.Equal("小区门口垃圾堆放三天无人清理", incident.Description);
        Assert.Equal(DateTimeOffset.Parse("2026-12-05T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture), incident.ReplyBy.ToDateTimeOffset());
    }

    private const string TruncatedOrder = """{"workOrderNo": "GD-X", "requestText": """;

    public static TheoryData<string, string, string> BadWorkOrders() => new()
    {
        { "malformed JSON", TruncatedOrder, $"body: invalid JSON at line 1, position {TruncatedOrder.Length + 1}" },
        { "a number where a string goes", """{"workOrderNo": 20261203001, "requestText": "噪音扰民"}""", "work_order_no: expected a string, got a number" },
        { "coordinates not an object", """{"workOrderNo": "GD-X", "requestText": "噪音扰民", "coordinates": [30.2, 120.1]}""", "coordinates: expected an object, got an array" },
        { "a latitude that is not a number", """{"workOrderNo": "GD-X", "requestText": "噪音扰民", "coordinates": {"latitude": "north"}}""", "coordinates.latitude: expected a number, got a string" },
        { "an unknown urgency", """{"workOrderNo": "GD-X", "requestText": "噪音扰民", "urgency": "加急"}""", "urgency: unknown value '加急'" },
        { "missing work-order number", WorkOrderJson("", text: "噪音扰民"), "work_order_no" },
        { "latitude out of range", WorkOrderJson("GD-BAD-LAT", latitude: 91), "coordinates.latitude" },
        { "unknown category", WorkOrderJson("GD-BAD-CAT", category: "12345-NOPE"), "category" },
        { "oversize request text", WorkOrderJson("GD-BIG", text: new string('扰', 4001)), "request_text" },
        { "bad phone", WorkOrderJson("GD-BAD-PHONE", phone: "call me maybe"), "caller_phone" },
    };

    [Theory]
    [MemberData(nameof(BadWorkOrders))]
    public async Task SubmitWorkOrder_BadInput_400NamingTheField_StoresNothing(string why, string body, string field)
    {
        using var http = Http(Who.Feed(HotlineServer.Source));
        var before = await server.FeedTailAsync();

        var answer = await PostAsync(http, body);

        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{why}: {answer.Status} {answer.Text}");
        Assert.Contains(field, answer.Text, StringComparison.Ordinal);
        Assert.Equal(before, await server.FeedTailAsync());
    }

    [Fact]
    public async Task SubmitWorkOrder_OtherRolesOrNoToken_Refused()
    {
        using var viewer = Http(Who.Viewer);
        using var anonymous = new HttpClient { BaseAddress = server.HttpAddress };

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(viewer, WorkOrderJson(NewNumber()))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(anonymous, WorkOrderJson(NewNumber()))).Status);
    }

    [Fact]
    public async Task WorkOrder_AcceptedAssignedClosed_PlatformGetsSignedUpdatesAndTheClosingReplyInOrder()
    {
        var number = NewNumber();
        var (longitude, latitude) = server.PointIn("g001");
        using var http = Http(Who.Feed(HotlineServer.Source));
        var id = (await PostAsync(http, WorkOrderJson(number, latitude: latitude, longitude: longitude))).Json.GetProperty("incidentId").GetString()!;
        var dispatcher = server.For(Who.Dispatcher());
        var zongzhi = server.For(Who.Department("zongzhi"));

        await dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "zongzhi" });
        await zongzhi.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id });
        await zongzhi.Dispatch.HandleAsync(new HandleRequest { IncidentId = id, Result = "垃圾已清运", PhotoUrls = { "https://photos.example/gd/after-1.jpg", "https://photos.example/gd/after-2.jpg" } });
        await dispatcher.Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true });
        await dispatcher.Dispatch.CloseAsync(new IncidentAction { IncidentId = id });
        await server.Platform.WaitAsync(requests => Of(requests, id).Count == 3);

        var received = Of(server.Platform.Requests, id);
        var verifier = new WebhookVerifier(HotlineServer.Key, TimeSpan.FromMinutes(5), server.Clock);
        Assert.All(received, r =>
        {
            Assert.Equal(("POST", "/callback"), (r.Method, r.Path));
            Assert.Equal(WebhookVerdict.Valid, verifier.Verify(r.Header(WebhookSignature.TimestampHeader), r.Header(WebhookSignature.SignatureHeader), r.Body));
            Assert.Equal(id, r.Header(WebhookSignature.OrderingKeyHeader));
            Assert.StartsWith(id + "/", r.Header(WebhookSignature.IdempotencyKeyHeader), StringComparison.Ordinal);
        });
        var bodies = received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(["accepted", "assigned", "closed"], bodies.Select(b => b.GetProperty("status").GetString()));
        Assert.Equal(["受理", "派遣", "办结"], bodies.Select(b => b.GetProperty("status_name").GetString()));
        Assert.Equal(["status_update", "status_update", "closing_reply"], bodies.Select(b => b.GetProperty("type").GetString()));
        Assert.All(bodies, b => Assert.Equal((number, id), (b.GetProperty("work_order_no").GetString(), b.GetProperty("incident_id").GetString())));
        Assert.Equal(["zongzhi"], bodies[1].GetProperty("departments").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("垃圾已清运", bodies[2].GetProperty("result").GetString());
        Assert.Equal(["https://photos.example/gd/after-1.jpg", "https://photos.example/gd/after-2.jpg"], bodies[2].GetProperty("photo_urls").EnumerateArray().Select(p => p.GetString()));
        Assert.All(received, r => Assert.DoesNotContain("13812345678", r.Body, StringComparison.Ordinal));
        Assert.Equal(3, received.Select(r => r.Header(WebhookSignature.IdempotencyKeyHeader)).Distinct().Count());
    }

    [Fact]
    public async Task PersonalData_ThroughTheApi_InFullForDispatcherAndAdmin_MaskedForViewerAndDepartment()
    {
        var (longitude, latitude) = server.PointIn("g001");
        using var feed = Http(Who.Feed(HotlineServer.Source));
        var id = (await PostAsync(feed, WorkOrderJson(NewNumber(), latitude: latitude, longitude: longitude))).Json.GetProperty("incidentId").GetString()!;
        var request = new GetIncidentRequest { IncidentId = id };
        await server.For(Who.Dispatcher()).Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await server.For(Who.Dispatcher()).Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "zongzhi" });

        var dispatcher = (await server.For(Who.Dispatcher()).Query.GetIncidentAsync(request)).Incident.Reporter;
        var admin = (await server.For(Who.Admin).Query.GetIncidentAsync(request)).Incident.Reporter;
        var viewer = await server.For(Who.Viewer).Query.GetIncidentAsync(request);
        var department = await server.For(Who.Department("zongzhi")).Query.GetIncidentAsync(request);
        using var viewerHttp = Http(Who.Viewer);
        var viewerJson = await viewerHttp.GetStringAsync($"/v1/incidents/{id}");

        Assert.Equal(("张三丰", "13812345678"), (dispatcher.Name, dispatcher.Phone));
        Assert.Equal(("张三丰", "13812345678"), (admin.Name, admin.Phone));
        Assert.Equal(("张**", "138****5678"), (viewer.Incident.Reporter.Name, viewer.Incident.Reporter.Phone));
        Assert.Equal(("张**", "138****5678"), (department.Incident.Reporter.Name, department.Incident.Reporter.Phone));
        // The journal's first entry carries the incident as reported: masked there too.
        Assert.Equal("138****5678", viewer.Journal.Entries[0].Event.Reported.Seed.Reporter.Phone);
        Assert.DoesNotContain("13812345678", viewerJson, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", viewerJson, StringComparison.Ordinal);
        Assert.Contains("138****5678", viewerJson, StringComparison.Ordinal);
    }

    private static string NewNumber() => "GD" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    private static List<Testing.WebhookReceiver.Request> Of(IReadOnlyList<Testing.WebhookReceiver.Request> requests, string incidentId) =>
        requests.Where(r => r.Header(WebhookSignature.OrderingKeyHeader) == incidentId).ToList();

    /// <summary>A work order as documented in src/Gateway/README.md.</summary>
    private static string WorkOrderJson(string number, string text = "小区门口垃圾堆放三天无人清理", string category = "12345-TS", double? latitude = null, double? longitude = null, string phone = "13812345678") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["workOrderNo"] = number,
            ["callerName"] = "张三丰",
            ["callerPhone"] = phone,
            ["requestText"] = text,
            ["category"] = category,
            ["address"] = "示范街道幸福路 12 号",
            ["coordinates"] = latitude is null ? null : new Dictionary<string, double> { ["latitude"] = latitude.Value, ["longitude"] = longitude ?? 120.0 },
            ["timeLimit"] = "2026-12-05T09:00:00Z",
            ["urgency"] = "WORK_ORDER_URGENCY_URGENT",
        }.Where(p => p.Value is not null).ToDictionary());

    private HttpClient Http(Actor caller)
    {
        var http = new HttpClient { BaseAddress = server.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(caller));
        return http;
    }

    private static async Task<(HttpStatusCode Status, string Text, JsonElement Json)> PostAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync(WorkOrderPath, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var json = response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return (response.StatusCode, text, json);
    }
}
