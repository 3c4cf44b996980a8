using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using CityBrain.Grains.Incidents;
using Google.Protobuf;
using Grpc.Net.Client.Web;

namespace CityBrain.Gateway.Tests.Json;

/// <summary>
/// The API as HTTP/JSON (JSON transcoding, the google.api.http rules in the .proto files) and as gRPC-Web, on the
/// HTTP/1.1 port with a plain <see cref="HttpClient"/>: the same tokens, roles, validation and statuses as gRPC, the
/// status also in the JSON body; bad JSON is refused and writes nothing.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class JsonTranscodingTests(GatewayServer server) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task SubmitGetAccept_AsJson_SameIncidentAsGrpc()
    {
        var source = Events.Source("json");
        var e = Events.Alert(server, source);

        using var submitted = await SendAsync(HttpMethod.Post, "/v1/events", server.Token(Who.Feed(source)), JsonFormatter.Default.Format(e));
        var ack = await JsonAsync(submitted, HttpStatusCode.OK);
        var id = ack.GetProperty("incidentId").GetString()!;
        Assert.Equal(IncidentIds.For(source, e.SourceEventId), id);
        Assert.Equal("INTAKE_OUTCOME_CREATED", ack.GetProperty("outcome").GetString());

        using var again = await SendAsync(HttpMethod.Post, "/v1/events", server.Token(Who.Feed(source)), JsonFormatter.Default.Format(e));
        Assert.Equal("INTAKE_OUTCOME_EXISTING", (await JsonAsync(again, HttpStatusCode.OK)).GetProperty("outcome").GetString());

        using var read = await SendAsync(HttpMethod.Get, $"/v1/incidents/{id}?omitJournal=true", server.Token(Who.Viewer));
        var detail = await JsonAsync(read, HttpStatusCode.OK);
        Assert.Equal("INCIDENT_STATUS_REPORTED", detail.GetProperty("incident").GetProperty("status").GetString());
        Assert.False(detail.TryGetProperty("journal", out _));

        using var accepted = await SendAsync(HttpMethod.Post, $"/v1/incidents/{id}:accept", server.Token(Who.Dispatcher()), """{"reason":"立案"}""");
        Assert.Equal("INCIDENT_STATUS_ACCEPTED", (await JsonAsync(accepted, HttpStatusCode.OK)).GetProperty("status").GetString());
        var grpc = await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true });
        Assert.Equal(IncidentStatus.Accepted, grpc.Incident.Status);
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "not JSON at all", "{\"source\": ", "body: invalid JSON at line 1, position 12" },
        { "only a field the message does not have (ignored: an empty event)", "{\"noSuchField\": 1}", "source: required" },
        { "a string where a number goes", "{\"location\": {\"latitude\": \"north\"}}", "location.latitude: expected a number, got a string" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Submit_BadJson_400InvalidArgumentNamingTheFieldNothingWritten(string what, string body, string message)
    {
        var source = Events.Source("badjson");
        var tail = await server.FeedTailAsync();

        using var response = await SendAsync(HttpMethod.Post, "/v1/events", server.Token(Who.Feed(source)), body);

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.True(error.GetProperty("message").GetString()!.Contains(message, StringComparison.Ordinal), $"{what}: {error}");
        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, error.GetProperty("code").GetInt32());
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Fact]
    public async Task Submit_InvalidField_400NamingTheFieldWithTheGrpcStatusNothingWritten()
    {
        var source = Events.Source("jsonfield");
        var e = Events.Alert(server, source);
        e.Location.Latitude = 200;
        var tail = await server.FeedTailAsync();

        using var response = await SendAsync(HttpMethod.Post, "/v1/events", server.Token(Who.Feed(source)), JsonFormatter.Default.Format(e));

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, error.GetProperty("code").GetInt32());
        Assert.Contains("location.latitude", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(tail, await server.FeedTailAsync());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, Grpc.Core.StatusCode.Unauthenticated)]
    [InlineData("viewer", HttpStatusCode.Forbidden, Grpc.Core.StatusCode.PermissionDenied)]
    public async Task Submit_WithoutTokenOrRole_RefusedAsGrpcWouldBe(string? role, HttpStatusCode http, Grpc.Core.StatusCode grpc)
    {
        var source = Events.Source("jsonauth");
        var token = role is null ? null : server.Token(Who.Viewer);

        using var response = await SendAsync(HttpMethod.Post, "/v1/events", token, JsonFormatter.Default.Format(Events.Alert(server, source)));

        Assert.Equal((int)grpc, (await JsonAsync(response, http)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task GetIncident_Unknown_404()
    {
        using var response = await SendAsync(HttpMethod.Get, "/v1/incidents/" + IncidentIds.For(Events.Source("nosuch"), "x"), server.Token(Who.Viewer));

        Assert.Equal((int)Grpc.Core.StatusCode.NotFound, (await JsonAsync(response, HttpStatusCode.NotFound)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Ping_OverGrpcWebOnTheHttpPort_Answers()
    {
        using var channel = ApiChannel.Create(server.HttpAddress, server.Token(Who.Viewer), o =>
        {
            o.HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWebText, new HttpClientHandler());
            o.HttpVersion = HttpVersion.Version11;
            o.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });

        var reply = await new EventIntake.EventIntakeClient(channel).PingAsync(new PingRequest());

        Assert.Equal(Who.Viewer.UserId, reply.Caller.UserId);
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryJsonRouteWithItsSchemas()
    {
        using var response = await SendAsync(HttpMethod.Get, "/openapi/v1.json", token: null);

        var document = await JsonAsync(response, HttpStatusCode.OK);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var operations = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value.GetProperty("operationId").GetString())).ToHashSet();

        // Every unary and server-streaming method has a route (SubmitStream, a client stream, has none).
        var methods = new[] { EventIntake.Descriptor, Dispatch.Descriptor, Query.Descriptor, Drills.Descriptor, Admin.Descriptor }
            .SelectMany(service => service.Methods.Where(m => !m.IsClientStreaming).Select(m => $"{service.Name}_{m.Name}"));
        Assert.Empty(methods.Except(operations));

        var submit = paths.GetProperty("/v1/events").GetProperty("post");
        Assert.EndsWith("citybrain.v1.IntakeEvent", submit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        var get = paths.GetProperty("/v1/incidents/{incident_id}").GetProperty("get");
        Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "incident_id" && p.GetProperty("in").GetString() == "path");
        Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "omitJournal" && p.GetProperty("in").GetString() == "query");
        Assert.True(schemas.GetProperty("citybrain.v1.IntakeEvent").GetProperty("properties").TryGetProperty("sourceEventId", out _));
        var row = schemas.GetProperty("citybrain.v1.EvaluationRow").GetProperty("properties");
        Assert.True(row.TryGetProperty("dispatchAccuracy", out _) && row.TryGetProperty("returned", out _));

        // Every reference resolves.
        foreach (var reference in References(document))
        {
            Assert.True(schemas.TryGetProperty(reference["#/components/schemas/".Length..], out _), reference);
        }
    }

    public void Dispose() => _http.Dispose();

    private static IEnumerable<string> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "$ref" ? [p.Value.GetString()!] : References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.HttpAddress, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"HTTP {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
