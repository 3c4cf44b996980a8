using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;

namespace CityBrain.Gateway.Tests.Open311;

/// <summary>
/// Open311 GeoReport v2 as a resident app uses it, with a plain HttpClient: the services of the city file, a request
/// POSTed and read back by id and in the list (JSON and XML), its status following our lifecycle to closed, refusals in
/// the specification's error form that store nothing, and each app's requests kept from the others.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class Open311Tests(GatewayServer server)
{
    [Fact]
    public async Task Services_JsonAndXml_EveryCategoryOfTheCityFile()
    {
        using var app = App("services");

        var json = await app.GetAsync("/open311/v2/services.json", withKey: false);
        var xml = await app.GetAsync("/open311/v2/services.xml", "xml", withKey: false);

        Assert.Equal((HttpStatusCode.OK, "application/json"), (json.Status, json.MediaType));
        Assert.Equal((HttpStatusCode.OK, "text/xml"), (xml.Status, xml.MediaType));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml.Text, StringComparison.OrdinalIgnoreCase);
        var codes = server.City.Categories.Select(c => c.Code).ToList();
        Assert.Equal(codes, json.Json.EnumerateArray().Select(s => s.GetProperty("service_code").GetString()));
        Assert.Equal("services", xml.Xml.Name.LocalName);
        Assert.Equal(codes, xml.Xml.Elements("service").Select(s => s.Element("service_code")!.Value));
        var garbage = json.Json.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "11.01");
        Assert.Equal("暴露垃圾", garbage.GetProperty("service_name").GetString());
        Assert.False(garbage.GetProperty("metadata").GetBoolean());
        Assert.Equal("realtime", garbage.GetProperty("type").GetString());
        Assert.Equal("事件", garbage.GetProperty("group").GetString());
        Assert.Contains("环卫所", garbage.GetProperty("description").GetString(), StringComparison.Ordinal);
        var garbageXml = xml.Xml.Elements("service").Single(s => s.Element("service_code")!.Value == "11.01");
        Assert.Equal(("暴露垃圾", "false"), (garbageXml.Element("service_name")!.Value, garbageXml.Element("metadata")!.Value));
    }

    [Fact]
    public async Task ServiceDefinition_ServiceCodeWithDots_NoAttributes_UnknownIs404()
    {
        using var app = App("definition");

        var json = await app.GetAsync("/open311/v2/services/01.01.json", withKey: false);
        var xml = await app.GetAsync("/open311/v2/services/01.01.xml", "xml", withKey: false);
        var unknown = await app.GetAsync("/open311/v2/services/77.77.json", withKey: false);
        var format = await app.GetAsync("/open311/v2/services.csv", withKey: false);

        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal("01.01", json.Json.GetProperty("service_code").GetString());
        Assert.Equal(0, json.Json.GetProperty("attributes").GetArrayLength());
        Assert.Equal(("service_definition", "01.01"), (xml.Xml.Name.LocalName, xml.Xml.Element("service_code")!.Value));
        Assert.NotNull(xml.Xml.Element("attributes"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("service_code", Assert.Single(unknown.Errors()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, format.Status);
        Assert.Contains("format", Assert.Single(format.Errors()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostThenGet_Json_ByIdAndInTheList_ReporterStoredAsPersonalInformation()
    {
        using var app = App("json");
        var form = app.NewRequest();

        var created = await app.PostAsync(form);
        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        var id = Assert.Single(created.Json.EnumerateArray()).GetProperty("service_request_id").GetString()!;
        Assert.Contains("12 小时内办结", created.Json[0].GetProperty("service_notice").GetString(), StringComparison.Ordinal);

        var one = await app.GetAsync($"/open311/v2/requests/{id}.json");
        var list = await app.GetAsync("/open311/v2/requests.json");
        var byIds = await app.GetAsync($"/open311/v2/requests.json?service_request_id={id},inc-aaaaaaaaaaaaaaaaaaaa");

        Assert.True(one.Status == HttpStatusCode.OK, one.Text);
        var request = Assert.Single(one.Json.EnumerateArray());
        Assert.Equal(id, request.GetProperty("service_request_id").GetString());
        Assert.Equal("open", request.GetProperty("status").GetString());
        Assert.StartsWith("已收到", request.GetProperty("status_notes").GetString(), StringComparison.Ordinal);
        Assert.Equal(("11.01", "暴露垃圾"), (request.GetProperty("service_code").GetString(), request.GetProperty("service_name").GetString()));
        Assert.Equal("人行道上堆了三天的垃圾", request.GetProperty("description").GetString());
        Assert.Equal("湖滨路 1 号", request.GetProperty("address").GetString());
        Assert.Equal(double.Parse(form["lat"], CultureInfo.InvariantCulture), request.GetProperty("lat").GetDouble());
        Assert.Equal(double.Parse(form["long"], CultureInfo.InvariantCulture), request.GetProperty("long").GetDouble());
        Assert.Equal("https://photos.example/app/before-1.jpg", request.GetProperty("media_url").GetString());
        Assert.Equal(JsonValueKind.Null, request.GetProperty("agency_responsible").ValueKind);
        var requested = request.GetProperty("requested_datetime").GetString()!;
        Assert.EndsWith("+08:00", requested, StringComparison.Ordinal);
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), DateTimeOffset.Parse(requested, CultureInfo.InvariantCulture).ToUnixTimeSeconds());
        Assert.DoesNotContain("13812345678", one.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("zhangsan", one.Text, StringComparison.Ordinal);
        Assert.Equal([id], list.Json.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));
        Assert.Equal([id], byIds.Json.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));

        // Stored through the intake path as the app's feed; the resident is personal information.
        var asDispatcher = (await server.For(Who.Dispatcher()).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true })).Incident;
        var asViewer = (await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true })).Incident;
        Assert.Equal(app.Source, asDispatcher.Source);
        Assert.Equal(("张三", "13812345678", "zhangsan@example.com"), (asDispatcher.Reporter.Name, asDispatcher.Reporter.Phone, asDispatcher.Reporter.Email));
        Assert.Equal(("张*", "138****5678", "z***@example.com"), (asViewer.Reporter.Name, asViewer.Reporter.Phone, asViewer.Reporter.Email));
        Assert.Equal("g001", asDispatcher.GridId);
    }

    [Fact]
    public async Task PostThenGet_Xml_ByIdAndInTheList()
    {
        using var app = App("xml");

        var created = await app.PostAsync(app.NewRequest("12.01"), "xml");
        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal(("service_requests", "text/xml"), (created.Xml.Name.LocalName, created.MediaType));
        var id = created.Xml.Element("request")!.Element("service_request_id")!.Value;

        var one = await app.GetAsync($"/open311/v2/requests/{id}.xml", "xml");
        var list = await app.GetAsync("/open311/v2/requests.xml?service_code=12.01,11.01&status=open", "xml");

        Assert.True(one.Status == HttpStatusCode.OK, one.Text);
        var request = Assert.Single(one.Xml.Elements("request"));
        Assert.Equal(id, request.Element("service_request_id")!.Value);
        Assert.Equal(("open", "12.01", "非法小广告"), (request.Element("status")!.Value, request.Element("service_code")!.Value, request.Element("service_name")!.Value));
        Assert.Equal("湖滨路 1 号", request.Element("address")!.Value);
        Assert.True(double.TryParse(request.Element("lat")!.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        Assert.Equal("", request.Element("zipcode")!.Value);
        Assert.Equal([id], list.Xml.Elements("request").Select(r => r.Element("service_request_id")!.Value));
    }

    [Fact]
    public async Task Status_FollowsTheLifecycle_ClosedWhenTheDispatcherClosesIt()
    {
        using var app = App("lifecycle");
        var id = await app.CreateAsync();
        var dispatcher = server.For(Who.Dispatcher());
        var sanitation = server.For(Who.Department("sanitation"));

        await dispatcher.Dispatch.AcceptAsync(new IncidentAction { IncidentId = id });
        await dispatcher.Dispatch.AssignAsync(new AssignRequest { IncidentId = id, DepartmentId = "sanitation" });
        var assigned = (await app.GetAsync($"/open311/v2/requests/{id}.json")).Json[0];
        await sanitation.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id });
        await sanitation.Dispatch.HandleAsync(new HandleRequest { IncidentId = id, Result = "垃圾已清运", PhotoUrls = { "https://photos.example/app/after-1.jpg" } });
        await dispatcher.Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true });
        await dispatcher.Dispatch.CloseAsync(new IncidentAction { IncidentId = id });
        var closed = (await app.GetAsync($"/open311/v2/requests/{id}.json")).Json[0];
        var closedXml = (await app.GetAsync($"/open311/v2/requests/{id}.xml", "xml")).Xml.Element("request")!;
        var openList = await app.GetAsync("/open311/v2/requests.json?status=open");
        var closedList = await app.GetAsync("/open311/v2/requests.json?status=closed");

        Assert.Equal("open", assigned.GetProperty("status").GetString());
        Assert.Equal("已派遣 (dispatched): 环卫所", assigned.GetProperty("status_notes").GetString());
        Assert.Equal("环卫所", assigned.GetProperty("agency_responsible").GetString());
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal("已办结 (closed): 垃圾已清运", closed.GetProperty("status_notes").GetString());
        Assert.Equal("环卫所", closed.GetProperty("agency_responsible").GetString());
        Assert.Equal(("closed", "已办结 (closed): 垃圾已清运"), (closedXml.Element("status")!.Value, closedXml.Element("status_notes")!.Value));
        Assert.True(DateTimeOffset.Parse(closed.GetProperty("updated_datetime").GetString()!, CultureInfo.InvariantCulture)
            >= DateTimeOffset.Parse(closed.GetProperty("requested_datetime").GetString()!, CultureInfo.InvariantCulture));
        Assert.Empty(openList.Json.EnumerateArray());
        Assert.Equal([id], closedList.Json.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));
    }

    [Fact]
    public async Task Rejected_IsClosedWithTheReason()
    {
        using var app = App("rejected");
        var id = await app.CreateAsync();

        await server.For(Who.Dispatcher()).Dispatch.RejectAsync(new IncidentAction { IncidentId = id, Reason = "不属于城市管理范围" });
        var request = (await app.GetAsync($"/open311/v2/requests/{id}.json")).Json[0];

        Assert.Equal(("closed", "不予受理 (not accepted): 不属于城市管理范围"), (request.GetProperty("status").GetString(), request.GetProperty("status_notes").GetString()));
    }

    public static TheoryData<string, string> BadKeys() => new()
    {
        { "no key", "" },
        { "not a token", "not-a-token" },
        { "a feed token signed with another key", "foreign" },
        { "a dispatcher's token", "dispatcher" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task BadApiKey_403InTheSpecificationsErrorForm_StoresNothing(string why, string key)
    {
        using var app = App("key");
        var form = app.NewRequest();
        form["api_key"] = key switch
        {
            "dispatcher" => server.Token(Who.Dispatcher()),
            "foreign" => new TokenIssuer(new AuthOptions { SigningKey = Convert.ToBase64String(new byte[32]) }, server.Clock).Issue(Who.Feed(app.Source), TimeSpan.FromDays(1)),
            _ => key,
        };
        if (key.Length == 0)
        {
            form.Remove("api_key");
        }

        var before = await server.FeedTailAsync();

        var json = await app.PostAsync(form);
        var xml = await app.PostAsync(form, "xml");
        var get = await app.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/open311/v2/requests.json?api_key={Uri.EscapeDataString(form.GetValueOrDefault("api_key", ""))}"));

        Assert.True(json.Status == HttpStatusCode.Forbidden, $"{why}: {json.Status} {json.Text}");
        Assert.Contains("api_key", Assert.Single(json.Errors()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, xml.Status);
        Assert.Contains("api_key", Assert.Single(xml.Errors()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, get.Status);
        Assert.Equal(before, await server.FeedTailAsync());
    }

    [Fact]
    public async Task ApiKey_AsBearerHeader_Accepted()
    {
        using var app = App("bearer");
        var id = await app.CreateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/open311/v2/requests/{id}.json");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", app.ApiKey);

        var answer = await app.SendAsync(request);

        Assert.True(answer.Status == HttpStatusCode.OK, answer.Text);
    }

    public static TheoryData<string, string, string?, string> BadRequests() => new()
    {
        { "missing service_code", "service_code", null, "service_code" },
        { "unknown service_code", "service_code", "77.77", "service_code" },
        { "lat not a number", "lat", "north", "lat" },
        { "lat out of range", "lat", "91", "lat" },
        { "long out of range", "long", "-181", "long" },
        { "lat without long", "long", null, "long" },
        { "bad email", "email", "not an address", "email" },
        { "bad phone", "phone", "call me", "phone" },
        { "media_url not http", "media_url", "file:///etc/passwd", "media_url" },
        { "oversize description", "description", new string('扰', 4001), "description" },
        { "an attribute no service defines", "attribute[WHISHETN]", "123", "attribute[WHISHETN]" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_400NamingTheParameter_StoresNothing(string why, string field, string? value, string named)
    {
        using var app = App("bad");
        var form = app.NewRequest();
        if (value is null)
        {
            form.Remove(field);
        }
        else
        {
            form[field] = value;
        }

        var before = await server.FeedTailAsync();

        var answer = await app.PostAsync(form);

        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{why}: {answer.Status} {answer.Text}");
        Assert.Contains(answer.Errors(), d => d.StartsWith(named + ":", StringComparison.Ordinal));
        Assert.Equal(before, await server.FeedTailAsync());
    }

    [Fact]
    public async Task NoLocation_OrMalformedBodies_400_StoreNothing()
    {
        using var app = App("body");
        var noLocation = app.NewRequest();
        noLocation.Remove("lat");
        noLocation.Remove("long");
        noLocation.Remove("address_string");
        var before = await server.FeedTailAsync();

        var missing = await app.PostAsync(noLocation, "xml");
        var json = await app.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = new StringContent("""{"service_code":"11.01"}""", Encoding.UTF8, "application/json"),
        });
        var repeated = await app.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = new StringContent($"api_key={app.ApiKey}&service_code=11.01&service_code=12.01&address_string=x", Encoding.UTF8, "application/x-www-form-urlencoded"),
        });
        var file = new MultipartFormDataContent
        {
            { new StringContent(app.ApiKey), "api_key" },
            { new StringContent("11.01"), "service_code" },
            { new StringContent("湖滨路 1 号"), "address_string" },
            { new ByteArrayContent([1, 2, 3]), "media", "photo.jpg" },
        };
        var upload = await app.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json") { Content = file });
        var huge = await app.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = new StringContent($"api_key={app.ApiKey}&service_code=11.01&description={new string('x', 70_000)}", Encoding.UTF8, "application/x-www-form-urlencoded"),
        });

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains(missing.Errors(), d => d.StartsWith("lat:", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, json.Status);
        Assert.Contains(json.Errors(), d => d.StartsWith("body:", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, repeated.Status);
        Assert.Contains(repeated.Errors(), d => d.StartsWith("service_code:", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, upload.Status);
        Assert.Contains(upload.Errors(), d => d.StartsWith("media_url:", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Status);
        Assert.Contains(huge.Errors(), d => d.StartsWith("body:", StringComparison.Ordinal));
        Assert.Equal(before, await server.FeedTailAsync());
    }

    [Fact]
    public async Task AnotherKey_CannotReadTheRequest()
    {
        using var owner = App("owner");
        using var other = App("other");
        var id = await owner.CreateAsync();

        var direct = await other.GetAsync($"/open311/v2/requests/{id}.json");
        var directXml = await other.GetAsync($"/open311/v2/requests/{id}.xml", "xml");
        var byId = await other.GetAsync($"/open311/v2/requests.json?service_request_id={id}");
        var list = await other.GetAsync("/open311/v2/requests.json");

        Assert.Equal(HttpStatusCode.NotFound, direct.Status);
        Assert.Contains("service_request_id", Assert.Single(direct.Errors()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, directXml.Status);
        directXml.Errors();
        Assert.Empty(byId.Json.EnumerateArray());
        Assert.Empty(list.Json.EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/open311/v2/requests/{id}.json")).Status);
    }

    [Fact]
    public async Task Post_NewRequestEachTime_UnlessTheSameIdempotencyKey()
    {
        using var app = App("idempotent");
        var form = app.NewRequest();
        var key = "device-7:" + Guid.NewGuid().ToString("N");

        var first = await app.PostAsync(form, idempotencyKey: key);
        var repeat = await app.PostAsync(form, idempotencyKey: key);
        var plain1 = await app.PostAsync(form);
        var plain2 = await app.PostAsync(form);
        var badKey = await app.PostAsync(form, idempotencyKey: "has spaces in it");

        string Id(Open311Client.Answer a) => a.Json[0].GetProperty("service_request_id").GetString()!;
        Assert.Equal(Id(first), Id(repeat));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], repeat.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(3, new[] { Id(first), Id(plain1), Id(plain2) }.Distinct().Count());
        Assert.Equal(HttpStatusCode.BadRequest, badKey.Status);
        Assert.Contains(badKey.Errors(), d => d.StartsWith("Idempotency-Key:", StringComparison.Ordinal));
        Assert.Equal(3, (await app.GetAsync("/open311/v2/requests.json")).Json.GetArrayLength());
    }

    [Fact]
    public async Task Jurisdiction_TheCity_AnotherIs404()
    {
        using var app = App("jurisdiction");
        var form = app.NewRequest();
        form["jurisdiction_id"] = server.City.Id;
        var created = await app.PostAsync(form);
        form["jurisdiction_id"] = "gotham";
        var before = await server.FeedTailAsync();

        var wrongPost = await app.PostAsync(form);
        var wrongServices = await app.GetAsync("/open311/v2/services.json?jurisdiction_id=gotham", withKey: false);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(HttpStatusCode.NotFound, wrongPost.Status);
        Assert.Contains("jurisdiction_id", Assert.Single(wrongPost.Errors()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, wrongServices.Status);
        Assert.Equal(before, await server.FeedTailAsync());
    }

    [Fact]
    public async Task List_Filters_ServiceCodeAndPeriod_BadFiltersAre400()
    {
        using var app = App("filters");
        var garbage = await app.CreateAsync("11.01");
        var adverts = await app.CreateAsync("12.01");
        var now = server.Clock.GetUtcNow();

        var byCode = await app.GetAsync("/open311/v2/requests.json?service_code=12.01");
        var inPeriod = await app.GetAsync($"/open311/v2/requests.json?start_date={Uri.EscapeDataString(now.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture))}&end_date={Uri.EscapeDataString(now.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture))}");
        var before = await app.GetAsync($"/open311/v2/requests.json?end_date={Uri.EscapeDataString(now.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture))}");
        var badStatus = await app.GetAsync("/open311/v2/requests.json?status=pending");
        var badDate = await app.GetAsync("/open311/v2/requests.json?start_date=yesterday");
        var tooLong = await app.GetAsync("/open311/v2/requests.json?start_date=2026-01-01&end_date=2026-03-31");
        var badCode = await app.GetAsync("/open311/v2/requests.json?service_code=77.77");

        Assert.Equal([adverts], byCode.Json.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()));
        Assert.Equal(new[] { garbage, adverts }.Order(), inPeriod.Json.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!).Order());
        Assert.Empty(before.Json.EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.Status);
        Assert.StartsWith("status:", Assert.Single(badStatus.Errors()), StringComparison.Ordinal);
        Assert.StartsWith("start_date:", Assert.Single(badDate.Errors()), StringComparison.Ordinal);
        Assert.StartsWith("end_date:", Assert.Single(tooLong.Errors()), StringComparison.Ordinal);
        Assert.StartsWith("service_code:", Assert.Single(badCode.Errors()), StringComparison.Ordinal);
    }

    private Open311Client App(string name) => new(server, Events.Source("o311-" + name));
}
