using System.Net;
using System.Text;
using CityBrain.Contracts;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Grains.City;
using CityBrain.Testing;
using Grpc.Core;
using Grpc.Health.V1;

namespace CityBrain.Silo.Tests.Readiness;

/// <summary>
/// The real silo process while it cannot serve (here: no city, none to load by default): every public call answers
/// UNAVAILABLE naming why, which a retrying client retries (FAILED_PRECONDITION made hotline platforms drop reports,
/// issue 17), the standard health check says NOT_SERVING and /readyz 503; Admin still loads a city, and then the
/// same call is served.
/// </summary>
public sealed class NotReadyTests
{
    private static readonly string Key = Convert.ToBase64String(Encoding.ASCII.GetBytes("citybrain-silo-readiness-key-0123456789abcdef"));

    [Fact]
    public async Task SiloWithoutACity_UnavailableAndNotServing_UntilAnAdminLoadsOne()
    {
        var work = Directory.CreateTempSubdirectory("citybrain-notready-");
        try
        {
            await using var silo = await SiloProcess.StartAsync(
                new Dictionary<string, string>
                {
                    ["CityBrain:Auth:SigningKey"] = Key,
                    ["CityBrain:Storage:Database"] = "Sqlite",
                    ["CityBrain:Storage:ConnectionString"] = $"Data Source={Path.Combine(work.FullName, "citybrain.db")}",
                    ["CityBrain:LoadDemoCityWhenEmpty"] = "false",
                },
                untilReady: false);
            var tokens = new TokenIssuer(new AuthOptions { SigningKey = Key });
            var address = new Uri($"http://127.0.0.1:{silo.GrpcPort}");
            using var feed = ApiChannel.Create(address, tokens.Issue(new Actor { UserId = "hotline", Role = Role.Feed, Source = "hotline" }, TimeSpan.FromHours(1)));
            using var admin = ApiChannel.Create(address, tokens.Issue(new Actor { UserId = "admin-1", Role = Role.Admin }, TimeSpan.FromHours(1)));
            var intake = new EventIntake.EventIntakeClient(feed);
            var report = new SubmitRequest
            {
                Event = new IntakeEvent
                {
                    Source = "hotline", SourceEventId = "WO-1", MessageType = MessageType.Alert, CategoryCode = "11.01",
                    Description = "垃圾堆积", Location = new Location { Longitude = 120.16, Latitude = 30.27 },
                },
            };

            var refused = await Assert.ThrowsAsync<RpcException>(() => intake.SubmitAsync(report).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Contains("no city definition is loaded", refused.Status.Detail, StringComparison.Ordinal);
            var health = await new Health.HealthClient(feed).CheckAsync(new HealthCheckRequest());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
            using (var http = new HttpClient())
            {
                using var ready = await http.GetAsync($"{silo.HttpUrl}/readyz");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("no city definition is loaded", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            await new Admin.AdminClient(admin).LoadCityAsync(new LoadCityRequest { Text = CityLoader.DemoCityText(), FileName = "city.yaml" });
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(feed).CheckAsync(new HealthCheckRequest())).Status);
            Assert.Equal(IntakeOutcome.Created, (await intake.SubmitAsync(report)).Outcome);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
