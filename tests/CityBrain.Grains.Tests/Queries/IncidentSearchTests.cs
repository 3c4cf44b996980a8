using CityBrain.Contracts;
using CityBrain.Grains.Queries;

namespace CityBrain.Grains.Tests.Queries;

/// <summary>The search filters of a list (pure): text in the description, address or work-order number; a phone by
/// its digits, whole or its last four or more.</summary>
public sealed class IncidentSearchTests
{
    private static readonly Incident Incident = new()
    {
        SourceEventId = "GD20261203001",
        Description = "Garbage piled up next to the 公交站",
        Location = new Location { Address = "湖滨路 1 号" },
        Reporter = new Reporter { Name = "张三", Phone = "+86 138-0013-8000" },
    };

    private static bool Matches(string text = "", string phone = "") =>
        IncidentSearch.Parse(new IncidentListQuery { Text = text, ReporterPhone = phone }).Matches(Incident);

    [Theory]
    [InlineData("garbage")]      // description, another case
    [InlineData("公交站")]
    [InlineData("  湖滨路 ")]     // address, trimmed
    [InlineData("gd20261203")]   // work-order number, part and case
    public void Text_InDescriptionAddressOrWorkOrderNumber_Matches(string text)
    {
        Assert.True(Matches(text: text));
    }

    [Theory]
    [InlineData("rubbish")]
    [InlineData("张三")]           // the reporter's name is not searched as text
    [InlineData("13800138000")]   // nor the phone
    public void Text_Elsewhere_DoesNotMatch(string text)
    {
        Assert.False(Matches(text: text));
    }

    [Theory]
    [InlineData("13800138000")]
    [InlineData("+86 138 0013 8000")]
    [InlineData("0086-13800138000")]
    [InlineData("8000")]
    [InlineData("138000")]
    [InlineData("(0013) 8000")]
    public void Phone_WholeOrLastDigits_Matches(string phone)
    {
        Assert.True(Matches(phone: phone));
    }

    [Theory]
    [InlineData("1380")]          // the first digits are not a suffix
    [InlineData("13800138001")]
    [InlineData("913800138000")]
    public void Phone_OtherNumber_DoesNotMatch(string phone)
    {
        Assert.False(Matches(phone: phone));
    }

    [Fact]
    public void Phone_IncidentWithoutReporter_DoesNotMatch()
    {
        var search = IncidentSearch.Parse(new IncidentListQuery { ReporterPhone = "8000" });

        Assert.False(search.Matches(new Incident { Description = "8000" }));
    }

    [Fact]
    public void Both_MustMatch()
    {
        Assert.True(Matches(text: "garbage", phone: "8000"));
        Assert.False(Matches(text: "garbage", phone: "9000"));
    }

    [Theory]
    [InlineData("   ", "", "text: empty")]
    [InlineData("", " - ", "reporter_phone: no digits")]
    [InlineData("", "+86", "reporter_phone: no digits")]
    [InlineData("", "800", "reporter_phone: at least the last 4 digits")]
    [InlineData("", "138abc", "reporter_phone: only digits")]
    [InlineData("", "123456789012345678901", "reporter_phone: more than 20 digits")]
    public void Parse_BadFilter_NamesTheField(string text, string phone, string expected)
    {
        var error = Assert.Throws<ValidationException>(() => IncidentSearch.Parse(new IncidentListQuery { Text = text, ReporterPhone = phone }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooLongText_NamesTheField()
    {
        var error = Assert.Throws<ValidationException>(() => IncidentSearch.Parse(new IncidentListQuery { Text = new string('x', 101) }));

        Assert.Equal("text", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void Parse_NoFilter_SearchesNothing()
    {
        Assert.False(IncidentSearch.Parse(new IncidentListQuery()).Any);
    }
}
