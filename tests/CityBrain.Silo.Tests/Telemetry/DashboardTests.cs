using System.Net;
using System.Net.Http.Headers;
using CityBrain.Contracts;

namespace CityBrain.Silo.Tests.Telemetry;

/// <summary>The Orleans Dashboard on the HTTP port answers admin tokens only.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class DashboardTests(TelemetrySilo silo)
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(Role.Viewer, HttpStatusCode.Forbidden)]
    [InlineData(Role.Dispatcher, HttpStatusCode.Forbidden)]
    [InlineData(Role.Admin, HttpStatusCode.OK)]
    public async Task Dashboard_ByRole_OnlyAdminGetsIt(Role? role, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = silo.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        if (role is { } r)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", silo.Issuer.Issue(new Actor { UserId = "user-" + r, Role = r }, TimeSpan.FromHours(1)));
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("Orleans Dashboard", await response.Content.ReadAsStringAsync());
        }
    }
}
