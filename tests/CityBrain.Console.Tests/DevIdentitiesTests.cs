using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityBrain.Console.Tests.Infrastructure;
using CityBrain.Gateway;
using CityBrain.Testing.WebConsole;
using CityBrain.WebConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Console.Tests;

/// <summary>The console's development sign-in: identities only while no signing key is configured, and each token is
/// an ordinary API token (the API decides what it may do).</summary>
public sealed class DevIdentitiesTests(ConsoleSilo silo) : IClassFixture<ConsoleSilo>
{
    [Fact]
    public async Task DevIdentities_DevelopmentMode_EveryRoleAndADispatcherLimitedToACommunity()
    {
        var identities = await silo.IdentitiesAsync();

        Assert.Equal(["admin", "department", "dispatcher", "feed", "viewer", "worker"], identities.Select(i => i.Role).Distinct().Order());
        var limited = Assert.Single(identities, i => i.UserId == "dispatcher-c01");
        Assert.All(identities, i => Assert.False(string.IsNullOrEmpty(i.Label) || string.IsNullOrEmpty(i.LabelEn)));

        // The limited dispatcher's token works on the API, within its community only.
        using var inside = await GetAsync("/v1/incidents?areaId=c01", limited.Token);
        using var outside = await GetAsync("/v1/sla-board?areaId=c02", limited.Token);
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        var board = JsonDocument.Parse(await outside.Content.ReadAsStringAsync()).RootElement;
        Assert.False(board.TryGetProperty("items", out var items) && items.GetArrayLength() > 0);
        Assert.Contains("\"jur\":[\"c01\"]", Claims(limited.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_DevelopmentMode_SaysSoWithTheCityOffsetAndTheServersClock()
    {
        var settings = await silo.Http.GetFromJsonAsync<JsonElement>("/console/settings");

        Assert.True(settings.GetProperty("development").GetBoolean());
        Assert.Equal(480, settings.GetProperty("utcOffsetMinutes").GetInt32());
        Assert.Equal(silo.Clock.GetUtcNow(), settings.GetProperty("serverTime").GetDateTimeOffset());
    }

    [Fact]
    public async Task Directory_WithoutToken_Unauthorized()
    {
        using var response = await silo.Http.GetAsync(new Uri("/console/directory", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.5", HttpStatusCode.Forbidden)]
    [InlineData("::ffff:192.168.1.20", HttpStatusCode.Forbidden)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("::1", HttpStatusCode.OK)]
    [InlineData("::ffff:127.0.0.1", HttpStatusCode.OK)]
    public async Task DevIdentities_FromAnotherMachine_RefusedSayingWhy_FromThisOne_Tokens(string remote, HttpStatusCode expected)
    {
        var context = new DefaultHttpContext { RequestServices = silo.Services };
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(remote);
        context.Response.Body = new MemoryStream();

        await ConsoleExtensions.DevelopmentIdentitiesFor(context, silo.Services.GetRequiredService<DevelopmentIdentities>()).ExecuteAsync(context);

        Assert.Equal((int)expected, context.Response.StatusCode);
        var body = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("\"token\"", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("this machine only", body, StringComparison.Ordinal);
            Assert.DoesNotContain("token\":", body, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await silo.Http.SendAsync(request);
    }

    private static string Claims(string token)
    {
        var part = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=')));
    }
}

/// <summary>With a configured signing key there is nothing to sign in with but a real token.</summary>
public sealed class KeyedDevIdentitiesTests(KeyedConsoleSilo silo) : IClassFixture<KeyedConsoleSilo>
{
    [Fact]
    public async Task DevIdentities_SigningKeyConfigured_NotFound()
    {
        using var response = await silo.Http.GetAsync(new Uri("/console/dev-identities", UriKind.Relative));
        var settings = await silo.Http.GetFromJsonAsync<JsonElement>("/console/settings");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(settings.GetProperty("development").GetBoolean());
    }

    [Fact]
    public async Task Console_SigningKeyConfigured_StillServedFromTheSilo()
    {
        using var page = await silo.Http.GetAsync(new Uri("/", UriKind.Relative));
        using var script = await silo.Http.GetAsync(new Uri("/app.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
