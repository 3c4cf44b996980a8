using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;

namespace CityBrain.Gateway.Tests.Alerting;

/// <summary>What an alerting platform sees of the alert endpoints: plain HTTP on the server's HTTP port.</summary>
internal sealed class AlertsHttp(GatewayServer server) : IDisposable
{
    public const string CapPath = "/v1/alerts/cap";
    public const string VideoPath = "/v1/alerts/video";

    private static readonly XNamespace Receipt = "urn:citybrain:alerts:receipt:1";

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Posts a CAP document as <paramref name="caller"/> (null: no token).</summary>
    public async Task<Answer> PostCapAsync(Actor? caller, string document, string contentType = "application/cap+xml", string? accept = null) =>
        await PostAsync(caller, CapPath, new ByteArrayContent(Encoding.UTF8.GetBytes(document)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } }, accept);

    /// <summary>Posts a video alarm (JSON) as <paramref name="caller"/>.</summary>
    public Task<Answer> PostVideoAsync(Actor? caller, string json) =>
        PostAsync(caller, VideoPath, new StringContent(json, Encoding.UTF8, "application/json"), accept: null);

    /// <summary>The incident as an administrator reads it (without its journal).</summary>
    public async Task<Incident> IncidentAsync(string id) =>
        (await server.For(Who.Admin).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true })).Incident;

    public void Dispose() => _http.Dispose();

    private async Task<Answer> PostAsync(Actor? caller, string path, HttpContent content, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (caller is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(caller));
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await _http.SendAsync(request);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync());
    }

    /// <summary>An HTTP answer; <see cref="Receipt"/> reads the receipt whether XML or JSON.</summary>
    public sealed record Answer(HttpStatusCode Status, string ContentType, string Text)
    {
        public (string Outcome, string IncidentId, bool Exercise, int AlertCount) Receipt()
        {
            Assert.True(Status == HttpStatusCode.OK, $"HTTP {(int)Status}: {Text}");
            if (ContentType == "application/json")
            {
                var json = JsonDocument.Parse(Text).RootElement;
                return (json.GetProperty("outcome").GetString()!,
                    json.TryGetProperty("incidentId", out var id) ? id.GetString()! : "",
                    json.TryGetProperty("exercise", out var exercise) && exercise.GetBoolean(),
                    json.TryGetProperty("alertCount", out var count) ? count.GetInt32() : 0);
            }

            Assert.Equal("application/xml", ContentType);
            var receipt = XDocument.Parse(Text).Root!;
            Assert.Equal(AlertsHttp.Receipt + "receipt", receipt.Name);
            return ((string)receipt.Element(AlertsHttp.Receipt + "outcome")!,
                (string?)receipt.Element(AlertsHttp.Receipt + "incidentId") ?? "",
                (bool)receipt.Element(AlertsHttp.Receipt + "exercise")!,
                (int)receipt.Element(AlertsHttp.Receipt + "alertCount")!);
        }
    }
}
