using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CityBrain.Console.Tests.Infrastructure;
using CityBrain.Testing.WebConsole;
using CityBrain.WebConsole;

namespace CityBrain.Console.Tests;

/// <summary>The console's single sign-on: an OpenID Connect provider's identity becomes an API caller with the role,
/// jurisdiction and department of its claims, for the configured session lifetime; an identity the API cannot serve
/// gets the reason and no token.</summary>
public sealed class SingleSignOnTests(OidcConsoleSilo silo, Browser browser) : IClassFixture<OidcConsoleSilo>, IClassFixture<Browser>
{
    [Fact]
    public async Task Browser_SignInWithTheOrganisationAccount_OpensTheConsoleAsThatPerson()
    {
        silo.Provider.NextUser = new Dictionary<string, object> { ["sub"] = "wang.fang", ["role"] = "viewer" };
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync("/");
        await page.Locator("#sso").ClickAsync();
        await page.Locator("#who:has-text('wang.fang')").WaitForAsync();

        Assert.Equal(silo.HttpAddress.GetLeftPart(UriPartial.Authority) + "/", page.Url.Split('#')[0]);
        Assert.DoesNotContain("token=", page.Url, StringComparison.Ordinal);
        Assert.True(await page.Locator("#nav").IsVisibleAsync());
        Assert.Empty(errors);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Screenshots, "signin-sso.png") });
    }

    [Fact]
    public async Task SignIn_DispatcherOfACommunity_GetsAnApiTokenWithItsRoleAndJurisdiction_ForTheSessionLifetime()
    {
        silo.Provider.NextUser = new Dictionary<string, object> { ["sub"] = "li.na", ["role"] = "dispatcher", ["jur"] = "c01 c02" };

        var fragment = await SignInAsync();

        var token = Assert.Contains("token", fragment);
        var claims = JsonDocument.Parse(Claims(token)).RootElement;
        Assert.Equal(("li.na", "dispatcher"), (claims.GetProperty("sub").GetString(), claims.GetProperty("role").GetString()));
        Assert.Equal(["c01", "c02"], claims.GetProperty("jur").EnumerateArray().Select(j => j.GetString()));
        Assert.Equal(3600, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        using var list = await GetAsync("/v1/incidents?areaId=c01", token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task SignIn_Dispatcher_ActsOnTheApi_AndTheJournalNamesThePerson()
    {
        silo.Provider.NextUser = new Dictionary<string, object> { ["sub"] = "zhang.wei", ["role"] = "dispatcher" };
        var token = (await SignInAsync())["token"];
        var feed = (await silo.IdentitiesAsync()).Single(i => i.Role == "feed").Token;
        var id = await SubmitAsync(feed);

        using var accept = await SendAsync(HttpMethod.Post, $"/v1/incidents/{id}:accept", token, "{}");
        using var read = await GetAsync($"/v1/incidents/{id}", token);

        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        var journal = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("journal").GetProperty("entries");
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("event").TryGetProperty("accepted", out _) && e.GetRawText().Contains("\"zhang.wei\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("feed", null, "not one of dispatcher")]
    [InlineData("", null, "not one of dispatcher")]
    [InlineData("department", null, "'dept' claim")]
    public async Task SignIn_IdentityTheApiCannotServe_GetsTheReason_AndNoToken(string role, string? department, string reason)
    {
        var user = new Dictionary<string, object> { ["sub"] = "someone" };
        if (role.Length > 0)
        {
            user["role"] = role;
        }

        if (department is not null)
        {
            user["dept"] = department;
        }

        silo.Provider.NextUser = user;

        var fragment = await SignInAsync();

        Assert.False(fragment.ContainsKey("token"));
        Assert.Contains(reason, fragment["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_OfferSingleSignOn()
    {
        var settings = JsonDocument.Parse(await silo.Http.GetStringAsync(new Uri("/console/settings", UriKind.Relative))).RootElement;

        Assert.True(settings.GetProperty("oidc").GetBoolean());
    }

    [Fact]
    public async Task Complete_WithoutTheProvidersAnswer_StartsSignInInstead()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = silo.HttpAddress };

        using var response = await http.GetAsync(new Uri("/console/oidc/complete", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/oidc/signin", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("not a url", "x", "Authority must be an absolute http(s) URL")]
    [InlineData("http://idp.example", "x", "RequireHttpsMetadata=false")]
    [InlineData("https://idp.example", "", "ClientId is required")]
    public void Settings_Invalid_NameTheKey(string authority, string clientId, string message)
    {
        var errors = ConsoleOidcOptionsValidator.Errors(new ConsoleOidcOptions { Authority = authority, ClientId = clientId });

        Assert.Contains(errors, e => e.StartsWith(ConsoleOidcOptions.Section, StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
    }

    /// <summary>Follows the redirects a browser would, from the console's sign-in link through the provider and back,
    /// until the console's landing page; returns its URL fragment's parameters.</summary>
    private async Task<Dictionary<string, string>> SignInAsync()
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = cookies });
        var next = new Uri(silo.HttpAddress, "/console/oidc/signin");
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await http.GetAsync(next);
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
                $"{next} answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            next = new Uri(next, response.Headers.Location!);
            if (next.AbsolutePath == "/signed-in.html")
            {
                return next.Fragment.TrimStart('#').Split('&', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('=', 2))
                    .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
            }
        }

        throw new InvalidOperationException("no landing after 10 redirects");
    }

    private Task<HttpResponseMessage> GetAsync(string path, string token) => SendAsync(HttpMethod.Get, path, token, null);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await silo.Http.SendAsync(request);
    }

    private async Task<string> SubmitAsync(string feedToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            source = "hotline-12345",
            sourceEventId = "SSO-" + Guid.NewGuid().ToString("N")[..12],
            categoryCode = "11.01",
            description = "垃圾堆积",
            location = new { longitude = 120.151, latitude = 30.2605, address = "湖滨路 1 号" },
        });
        using var response = await SendAsync(HttpMethod.Post, "/v1/events", feedToken, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("incidentId").GetString()!;
    }

    private static string Claims(string token)
    {
        var part = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=')));
    }
}
