using CityBrain.Grains.Incidents;

namespace CityBrain.Grains.Tests.Incidents;

/// <summary>Incident ids are stored everywhere (journals, indexes, consoles): the derivation must never change.
/// The expected values were computed independently (SHA-256 of "source\u001fevent id", base 32 of its first 100 bits).</summary>
public sealed class IncidentIdsTests
{
    [Theory]
    [InlineData("12345-hotline", "HL-2026-000001", "inc-a7cgac2hvwu62qzx3rdh")]
    [InlineData("城管视频", "告警-7", "inc-wmc454e3or3ubddaddgb")]
    public void TheIdOfAnEventIsStable(string source, string eventId, string expected) =>
        Assert.Equal(expected, IncidentIds.For(source, eventId));

    [Fact]
    public void ALongEventIdHashesLikeAShortOne() =>
        Assert.Equal("inc-caspq6up4xl5lb4qq5bd", IncidentIds.For("feed", new string('x', 600)));

    [Fact]
    public void SourceAndEventIdAreSeparated() =>
        Assert.NotEqual(IncidentIds.For("ab", "c"), IncidentIds.For("a", "bc"));
}
