using CityBrain.Silo.Hosting;

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

    [Fact]
    public void MembershipRefreshPeriod_DefaultsToFiveSeconds_AndIsASiloSetting()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), new ClusterSettings().MembershipRefreshPeriod);
        Assert.True(SiloSettings.IsKnownKey("CityBrain__Cluster__MembershipRefreshPeriod"));
        Assert.Empty(SiloSettings.Validate(new Dictionary<string, string> { ["CityBrain:Cluster:MembershipRefreshPeriod"] = "00:00:05" }));
    }
}
