using CityBrain.Contracts;
using CityBrain.Gateway.Internal.Security;

namespace CityBrain.Gateway.Tests.Security;

public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+8613812345678", "+86*******5678")]
    [InlineData("12345", "***45")]
    [InlineData("7", "*")]
    [InlineData("", "")]
    public void MaskPhone_KeepsFirstThreeAndLastFour_OrLastTwoOfShortNumbers_AllOfASingleDigit(string phone, string masked) =>
        Assert.Equal(masked, PersonalData.MaskPhone(phone));

    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("欧阳修文", "欧***")]
    [InlineData("李", "李*")]
    [InlineData("", "")]
    public void MaskName_KeepsTheFirstCharacter(string name, string masked) =>
        Assert.Equal(masked, PersonalData.MaskName(name));

    [Fact]
    public void Masked_MessageWithReporters_ACopyMaskedEverywhereTheOriginalUntouched()
    {
        var incident = new Incident { Id = "inc-1", Reporter = new Reporter { Name = "张三", Phone = "13812345678" } };
        var detail = new Gateway.Api.IncidentDetail { Incident = incident };

        var masked = PersonalData.Masked(detail);

        Assert.Equal(("张*", "138****5678"), (masked.Incident.Reporter.Name, masked.Incident.Reporter.Phone));
        Assert.Equal("13812345678", detail.Incident.Reporter.Phone);
        var plain = new Gateway.Api.IncidentDetail { Incident = new Incident { Id = "inc-2" } };
        Assert.Same(plain, PersonalData.Masked(plain));
    }
}
