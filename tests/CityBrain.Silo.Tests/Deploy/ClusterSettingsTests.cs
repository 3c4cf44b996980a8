using CityBrain.Silo.Hosting;
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

    [Theory]
    [InlineData("CityBrain:Cluster:GoneAfterRefusals", "1")]
    [InlineData("CityBrain:Cluster:GoneCheckPeriod", "00:00:00.050")]
    public void GoneCheckThatCouldMistakeARestart_FailsNamingTheKeys(string key, string value)
    {
        var failures = SiloSettings.Validate(new Dictionary<string, string>
        {
            ["CityBrain:Storage:Database"] = "Postgres",
            ["CityBrain:Cluster:Enabled"] = "true",
            [key] = value,
        });

        Assert.Equal(["CityBrain:Cluster:GoneCheckPeriod must be at least 00:00:00.1 and GoneAfterRefusals at least 2 (one refusal may be a port between two processes)."], failures);
    }

    [Fact]
    public async Task Defaults_ProbeLikeOrleans_AndRegisterTheGoneSiloDetector()
    {
        await using var app = TelemetrySilo.Build(new Dictionary<string, string?>
        {
            ["CityBrain:Storage:Database"] = "Postgres",
            ["CityBrain:Storage:ConnectionString"] = "Host=127.0.0.1;Database=unused", // built, not started: no connection
            ["CityBrain:Cluster:Enabled"] = "true",
        });

        var membership = app.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), membership.ProbeTimeout);
        Assert.Equal(3, membership.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(250), app.Services.GetRequiredService<IOptions<ClusterSettings>>().Value.GoneCheckPeriod);
        Assert.NotNull(app.Services.GetService<GoneSiloDetector>());
    }

    [Fact]
    public async Task RefusalProbe_TellsAClosedPortFromAnOpenOne()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (System.Net.IPEndPoint)listener.LocalEndpoint;
        try
        {
            Assert.False(await GoneSiloDetector.RefusesAsync(endpoint, TimeSpan.FromSeconds(5), CancellationToken.None));
        }
        finally
        {
            listener.Stop();
        }

        Assert.True(await GoneSiloDetector.RefusesAsync(endpoint, TimeSpan.FromSeconds(5), CancellationToken.None));
    }
}
