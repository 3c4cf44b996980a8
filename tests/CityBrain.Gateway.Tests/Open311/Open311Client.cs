using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using CityBrain.Gateway.Tests.Infrastructure;

namespace CityBrain.Gateway.Tests.Open311;

/// <summary>A resident app as GeoReport v2 has it: a plain HttpClient, form-encoded POSTs, answers read as JSON or XML
/// with no generated client. One app = one feed (its own source), whose token is its api_key.</summary>
internal sealed class Open311Client(GatewayServer server, string source) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server.HttpAddress };

    public string Source { get; } = source;

    public string ApiKey { get; } = server.Token(Who.Feed(source));

    public HttpClient Http => _http;

    /// <summary>A complete, valid request in grid g001, as form fields (api_key included).</summary>
    public Dictionary<string, string> NewRequest(string serviceCode = "11.01")
    {
        var (longitude, latitude) = server.PointIn("g001");
        return new Dictionary<string, string>
        {
            ["api_key"] = ApiKey,
            ["service_code"] = serviceCode,
            ["lat"] = latitude.ToString("R", CultureInfo.InvariantCulture),
            ["long"] = longitude.ToString("R", CultureInfo.InvariantCulture),
            ["address_string"] = "湖滨路 1 号",
            ["description"] = "人行道上堆了三天的垃圾",
            ["email"] = "zhangsan@example.com",
            ["first_name"] = "三",
            ["last_name"] = "张",
            ["phone"] = "13812345678",
            ["media_url"] = "https://photos.example/app/before-1.jpg",
        };
    }

    public Task<Answer> PostAsync(IReadOnlyDictionary<string, string> form, string format = "json", string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/open311/v2/requests.{format}") { Content = new FormUrlEncodedContent(form) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return SendAsync(request, format);
    }

    /// <summary>POSTs a valid request and returns its service_request_id.</summary>
    public async Task<string> CreateAsync(string serviceCode = "11.01")
    {
        var answer = await PostAsync(NewRequest(serviceCode));
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Text);
        return answer.Json[0].GetProperty("service_request_id").GetString()!;
    }

    /// <summary>A GET of a resource with this app's api_key added to the query (unless <paramref name="withKey"/> is false).</summary>
    public Task<Answer> GetAsync(string path, string format = "json", bool withKey = true)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var uri = withKey ? $"{path}{separator}api_key={Uri.EscapeDataString(ApiKey)}" : path;
        return SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), format);
    }

    public async Task<Answer> SendAsync(HttpRequestMessage request, string format = "json")
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return new Answer(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType ?? "", format, response.Headers);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>An answer, parsed as the format it was asked in.</summary>
    public sealed record Answer(HttpStatusCode Status, string Text, string MediaType, string Format, System.Net.Http.Headers.HttpResponseHeaders Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

        public XElement Xml => XDocument.Parse(Text).Root!;

        /// <summary>The descriptions of a GeoReport error answer, after checking its form: each error's code is the HTTP status.</summary>
        public IReadOnlyList<string> Errors()
        {
            if (Format == "xml")
            {
                Assert.Equal("errors", Xml.Name.LocalName);
                var errors = Xml.Elements("error").ToList();
                Assert.NotEmpty(errors);
                Assert.All(errors, e => Assert.Equal((int)Status, int.Parse(e.Element("code")!.Value, CultureInfo.InvariantCulture)));
                return errors.Select(e => e.Element("description")!.Value).ToList();
            }

            Assert.Equal(JsonValueKind.Array, Json.ValueKind);
            Assert.NotEqual(0, Json.GetArrayLength());
            Assert.All(Json.EnumerateArray(), e => Assert.Equal((int)Status, e.GetProperty("code").GetInt32()));
            return Json.EnumerateArray().Select(e => e.GetProperty("description").GetString()!).ToList();
        }
    }
}
