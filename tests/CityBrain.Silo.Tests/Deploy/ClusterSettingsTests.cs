using CityBrain.Silo.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CityBrain.Silo.Tests.Deploy;

public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.500")]
    public void MembershipRefreshPeriodUnderASecond_FailsNamingTheKey(string period)
    {
        var failures = SiloSettings.Validate(new Dictionary<string, string>
        {
            ["CityBrain:Storage:Database"] = "Postgres",
            ["CityBrain:Cluster:Enabled"] = "true",
            ["CityBrain:Cluster:MembershipRefreshPeriod"] = period,
        });

        Assert.Equal(["CityBrain:Cluster:MembershipRefreshPeriod must be at least 00:00:01."], failures);
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData("00:00:07", 7)]
    public async Task MembershipRefreshPeriod_IsOrleansTableRefresh(string? configured, int seconds)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CityBrain:Storage:Database"] = "Postgres",
            ["CityBrain:Storage:ConnectionString"] = "Host=127.0.0.1;Database=unused", // built, not started: no connection
            ["CityBrain:Cluster:Enabled"] = "true",
        };
        if (configured is not null)
        {
            settings["CityBrain:Cluster:MembershipRefreshPeriod"] = configured;
        }

        await using var app = TelemetrySilo.Build(settings);

        Assert.Equal(TimeSpan.FromSeconds(seconds), app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.TableRefreshTimeout);
    }
}
