using CityBrain.Contracts;
using CityBrain.Grains.City;

namespace CityBrain.Grains.Tests.City;

public sealed class HotlineCategoriesTests
{
    private const string Small = """
        version: 1
        city: { id: small, name: 小城 }
        streets:
          - { id: st, name: 街道 }
        communities:
          - { id: c1, name: 社区一, street: st }
        grids:
          - id: g1
            name: 网格一
            community: c1
            polygon: { type: Polygon, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] }
        departments:
          - { id: d1, name: 城管, platform: 综合执法, residency: 常驻 }
        categories:
          - { code: "01", name: 垃圾, kind: event, departments: [d1] }
        """;

    [Fact]
    public void Parse_HotlineCategories_MapsTheHotlinesCodesToTheCatalog()
    {
        var city = CityFile.Parse(Small + "\nintake:\n  hotline_categories: { \"12345-TS\": \"01\" }\n");

        Assert.Equal(new Dictionary<string, string> { ["12345-TS"] = "01" }, city.HotlineCategories);
    }

    [Fact]
    public void Parse_HotlineCategoryToAnUnknownCode_ErrorNamingIt()
    {
        var error = Assert.Throws<ValidationException>(() => CityFile.Parse(Small + "\nintake:\n  hotline_categories: { \"12345-TS\": \"99\" }\n"));

        Assert.Contains(error.Errors, e => e.Path == "intake.hotline_categories.12345-TS" && e.Message.Contains("unknown category '99'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DemoCity_MapsEveryHotlineCategoryToAHotlineOrComponentCategory()
    {
        var city = CityFile.Parse(CityLoader.DemoCityText());

        Assert.Equal("90.03", city.HotlineCategories["12345-TS"]);
        Assert.Equal(7, city.HotlineCategories.Count);
        Assert.All(city.HotlineCategories.Values, code => Assert.True(city.CategoriesByCode.ContainsKey(code)));
    }
}
