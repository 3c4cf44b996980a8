using CityBrain.Contracts;
using CityBrain.Grains.City;

namespace CityBrain.Grains.Tests.City;

public sealed class CityFileTests
{
    /// <summary>A tiny valid city: two grids sharing an edge, one department, one category.</summary>
    private const string Small = """
        version: 1
        city: { id: small, name: 小城, utc_offset: "+08:00" }
        streets:
          - { id: st, name: 街道 }
        communities:
          - { id: c1, name: 社区一, street: st }
        grids:
          - id: g1
            name: 网格一
            community: c1
            workers: [{ id: w1, name: 张三 }]
            polygon: { type: Polygon, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] }
          - id: g2
            name: 网格二
            community: c1
            polygon: { type: Polygon, coordinates: [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]] }
        departments:
          - { id: d1, name: 城管, platform: 综合执法, residency: 常驻 }
        categories:
          - { code: "01", name: 垃圾, kind: event, departments: [d1] }
        """;

    private static IReadOnlyList<FieldError> Errors(string text) => Assert.Throws<ValidationException>(() => CityFile.Parse(text)).Errors;

    private static void AssertError(string text, string path, string contains)
    {
        var errors = Errors(text);
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(contains, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DemoCity_HasTheSizeOfARealStreet()
    {
        var city = CityFile.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "city.yaml")));

        Assert.Single(city.Streets);
        Assert.Equal(35, city.Communities.Count);
        Assert.Equal(170, city.Grids.Count);
        Assert.True(city.Departments.Count >= 9);
        Assert.Equal(4, city.Departments.Select(d => d.Platform).Distinct().Count());
        Assert.Equal(3, city.Departments.Select(d => d.Residency).Distinct().Count());
        Assert.Contains(city.Categories, c => c.Kind == CategoryKind.Component);
        Assert.Contains(city.Categories, c => c.Kind == CategoryKind.Event);
        Assert.Contains(city.Categories, c => c.Kind == CategoryKind.Hotline);
        Assert.Contains(city.Categories, c => c.Linkage);
        Assert.Equal(CityLoader.DemoCityText(), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "city.yaml")));
    }

    [Fact]
    public void FindGrid_PointInPolygon_ReturnsTheContainingGridOnly()
    {
        var city = CityFile.Parse(Small);

        Assert.Equal("g1", city.FindGrid(0.5, 0.5)?.Id);
        Assert.Equal("g2", city.FindGrid(1.5, 0.5)?.Id);
        Assert.Equal("g1", city.FindGrid(1.0, 0.5)?.Id); // shared edge: first in file order
        Assert.Null(city.FindGrid(3, 3));
    }

    [Fact]
    public void FindGrid_DemoCityCellCentres_EachInExactlyItsGrid()
    {
        var city = CityLoader.DemoCityText() is var text ? CityFile.Parse(text) : null;
        foreach (var grid in city!.Grids)
        {
            var centre = grid.Polygon.InteriorPoint;
            Assert.Equal(grid.Id, city.FindGrid(centre.X, centre.Y)?.Id);
        }
    }

    [Fact]
    public void PolicyFor_SeverityOverCategoryOverDefaults()
    {
        var city = CityFile.Parse(CityLoader.DemoCityText());
        var food = city.CategoriesByCode["15.01"];

        var normal = city.PolicyFor(food, Severity.Normal);
        var high = city.PolicyFor(food, Severity.High);

        Assert.Equal(600_000, normal.AcceptMs);
        Assert.Equal(300_000, normal.AssignMs);
        Assert.Equal(1_200_000, normal.OnSiteMs);
        Assert.Equal(24 * 3_600_000L, normal.ResolveMs);
        Assert.Equal(900_000, high.OnSiteMs);
        Assert.Equal(["market", "police"], city.DepartmentsFor(food, Severity.High));
        Assert.Equal([800], normal.WarningPermille);
        Assert.Equal(48 * 3_600_000L, city.PolicyFor(city.CategoriesByCode["01.03"], Severity.Normal).ResolveMs);
    }

    [Fact]
    public void Parse_Json_IsAcceptedLikeYaml()
    {
        const string Json = """
            { "version": 1, "city": { "id": "j", "name": "J" }, "streets": [{ "id": "st", "name": "S" }],
              "communities": [{ "id": "c1", "name": "C", "street": "st" }],
              "grids": [{ "id": "g1", "name": "G", "community": "c1",
                          "polygon": { "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]] } }],
              "departments": [{ "id": "d1", "name": "D", "platform": "zhifa", "residency": "on_call" }],
              "categories": [{ "code": "01", "name": "X", "kind": "hotline", "departments": ["d1"] }] }
            """;

        var city = CityFile.Parse(Json);

        Assert.Equal("g1", city.FindGrid(0.7, 0.2)?.Id);
        Assert.Equal(Residency.OnCall, city.Departments[0].Residency);
    }

    [Fact]
    public void Parse_RingNotClosed_NamesTheRing() =>
        AssertError(Small.Replace("[1, 1], [0, 1], [0, 0]]]", "[1, 1], [0, 1], [0, 0.5]]]", StringComparison.Ordinal), "grids[0].polygon.coordinates[0]", "ring not closed");

    [Fact]
    public void Parse_OverlappingGrids_NamesBoth() =>
        AssertError(Small.Replace("[[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]", "[[[0.5, 0], [2, 0], [2, 1], [0.5, 1], [0.5, 0]]]", StringComparison.Ordinal), "grids[1].polygon", "overlaps grids[0] (g1)");

    [Fact]
    public void Parse_SelfIntersectingPolygon_IsInvalid() =>
        AssertError(Small.Replace("[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]", "[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]", StringComparison.Ordinal), "grids[0].polygon", "not a valid polygon");

    [Fact]
    public void Parse_TooFewPositions_Refused() =>
        AssertError(Small.Replace("[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]", "[[[0, 0], [1, 0], [0, 0]]]", StringComparison.Ordinal), "grids[0].polygon.coordinates[0]", "at least 4 positions");

    [Fact]
    public void Parse_LatitudeOutOfRange_NamesThePosition() =>
        AssertError(Small.Replace("[0, 1], [0, 0]]]", "[0, 91], [0, 0]]]", StringComparison.Ordinal), "grids[0].polygon.coordinates[0][3][1]", "latitude out of range");

    [Fact]
    public void Parse_NotANumber_NamesThePosition() =>
        AssertError(Small.Replace("[[[0, 0], [1, 0],", "[[[0, 0], [east, 0],", StringComparison.Ordinal), "grids[0].polygon.coordinates[0][1][0]", "'east' is not a number");

    [Fact]
    public void Parse_NotAPolygonType_Refused() =>
        AssertError(Small.Replace("{ type: Polygon, coordinates: [[[0, 0]", "{ type: MultiPolygon, coordinates: [[[0, 0]", StringComparison.Ordinal), "grids[0].polygon.type", "not supported");

    [Fact]
    public void Parse_UnknownCommunity_NamesTheReference() =>
        AssertError(Small.Replace("community: c1\n    workers", "community: c9\n    workers", StringComparison.Ordinal), "grids[0].community", "unknown community 'c9'");

    [Fact]
    public void Parse_UnknownStreet_NamesTheReference() =>
        AssertError(Small.Replace("street: st }", "street: nowhere }", StringComparison.Ordinal), "communities[0].street", "unknown street 'nowhere'");

    [Fact]
    public void Parse_DuplicateGridId_Refused() =>
        AssertError(Small.Replace("- id: g2", "- id: g1", StringComparison.Ordinal), "grids[1].id", "duplicate id 'g1'");

    [Fact]
    public void Parse_DuplicatePersonId_Refused() =>
        AssertError(Small.Replace("community: c1\n    polygon", "community: c1\n    head: { id: w1, name: 李四 }\n    polygon", StringComparison.Ordinal), "grids[1].head.id", "duplicate person id 'w1'");

    [Fact]
    public void Parse_UnknownDepartmentInCatalog_NamesTheItem() =>
        AssertError(Small.Replace("departments: [d1] }", "departments: [d1, d7] }", StringComparison.Ordinal), "categories[0].departments[1]", "unknown department 'd7'");

    [Fact]
    public void Parse_BadPlatformAndResidency_ListsBoth()
    {
        var errors = Errors(Small.Replace("platform: 综合执法, residency: 常驻", "platform: 体育, residency: 长驻", StringComparison.Ordinal));

        Assert.Contains(errors, e => e.Path == "departments[0].platform" && e.Message.Contains("'体育' is not one of", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "departments[0].residency");
    }

    [Fact]
    public void Parse_BadDurationAndThreshold_Refused()
    {
        var errors = Errors(Small + "\nsla: { accept: 10 minutes, warning_at: [1.5] }\n");

        Assert.Contains(errors, e => e.Path == "sla.accept" && e.Message.Contains("not a duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "sla.warning_at[0]");
    }

    [Fact]
    public void Parse_BadSeverityRule_Refused() =>
        AssertError(Small.Replace("departments: [d1] }", "departments: [d1], by_severity: { huge: { sla: { resolve: 1h } } } }", StringComparison.Ordinal), "categories[0].by_severity.huge", "not one of");

    [Fact]
    public void Parse_UnknownField_NamesIt() =>
        AssertError(Small.Replace("name: 网格一", "name: 网格一\n    colour: red", StringComparison.Ordinal), "grids[0].colour", "unknown field");

    [Fact]
    public void Parse_MissingRequired_NamesEveryField()
    {
        var errors = Errors("version: 1\ncity: { id: x }\n");

        Assert.Contains(errors, e => e.Path == "city.name" && e.Message == "required");
        Assert.Contains(errors, e => e.Path == "streets" && e.Message == "required");
        Assert.Contains(errors, e => e.Path == "grids" && e.Message == "required");
        Assert.Contains(errors, e => e.Path == "departments" && e.Message == "required");
        Assert.Contains(errors, e => e.Path == "categories" && e.Message == "required");
    }

    [Fact]
    public void Parse_BadEscalationChain_Refused() =>
        AssertError(Small + "\nescalation: [community, grid]\n", "escalation[1]", "must go up the hierarchy");

    [Fact]
    public void Parse_BuildingOutsideItsGrid_Refused() =>
        AssertError(Small + "\nbuildings:\n  - { id: b1, name: 楼, grid: g1, location: [1.5, 0.5] }\n", "buildings[0].location", "not inside grid 'g1'");

    [Fact]
    public void Parse_BadOffsetAndVersion_Refused()
    {
        var errors = Errors(Small.Replace("utc_offset: \"+08:00\"", "utc_offset: CST", StringComparison.Ordinal).Replace("version: 1", "version: 2", StringComparison.Ordinal));

        Assert.Contains(errors, e => e.Path == "city.utc_offset");
        Assert.Contains(errors, e => e.Path == "version");
    }

    [Theory]
    [InlineData("")]
    [InlineData("grids: [unclosed")]
    [InlineData("- just\n- a list")]
    public void Parse_NotACityDocument_ReportsTheDocument(string text) =>
        Assert.Contains(Errors(text), e => e.Path == "(document)");

    [Fact]
    public void Parse_ManyProblems_ReportsEveryOneNotJustTheFirst()
    {
        var broken = Small
            .Replace("[1, 1], [0, 1], [0, 0]]]", "[1, 1], [0, 1], [0, 0.5]]]", StringComparison.Ordinal)
            .Replace("departments: [d1] }", "departments: [dx] }", StringComparison.Ordinal)
            .Replace("residency: 常驻", "residency: x", StringComparison.Ordinal);

        var exception = Assert.Throws<ValidationException>(() => CityFile.Parse(broken));

        Assert.True(exception.Errors.Count >= 3, exception.Message);
        Assert.Contains("grids[0].polygon.coordinates[0]: ring not closed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HotlineCategories_MapsTheHotlinesCodesToTheCatalog()
    {
        var city = CityFile.Parse(Small + "\nintake:\n  hotline_categories: { \"12345-TS\": \"01\" }\n");

        Assert.Equal(new Dictionary<string, string> { ["12345-TS"] = "01" }, city.HotlineCategories);
    }

    [Fact]
    public void Parse_HotlineCategoryToAnUnknownCode_ErrorNamingIt() =>
        AssertError(Small + "\nintake:\n  hotline_categories: { \"12345-TS\": \"99\" }\n", "intake.hotline_categories.12345-TS", "unknown category '99'");

    [Fact]
    public void Parse_AlertEvents_MapsAlertingSystemsEventNamesToTheCatalog()
    {
        var city = CityFile.Parse(Small + "\nintake:\n  alert_events: { \"火灾\": \"01\", \"Fire\": \"01\" }\n");

        Assert.Equal(new Dictionary<string, string> { ["火灾"] = "01", ["Fire"] = "01" }, city.AlertEvents);
    }

    [Fact]
    public void Parse_AlertEventToAnUnknownCode_ErrorNamingIt() =>
        AssertError(Small + "\nintake:\n  alert_events: { \"illegal_parking\": \"99\" }\n", "intake.alert_events.illegal_parking", "unknown category '99'");

    [Fact]
    public void Parse_DemoCity_MapsItsAlertEventsToCatalogCategories()
    {
        var city = CityFile.Parse(CityLoader.DemoCityText());

        Assert.Equal("99.01", city.AlertEvents["火灾"]);
        Assert.Equal("14.06", city.AlertEvents["illegal_parking"]);
        Assert.All(city.AlertEvents.Values, code => Assert.True(city.CategoriesByCode.ContainsKey(code)));
    }

    [Fact]
    public void Parse_DemoCity_MapsEveryHotlineCategoryToACatalogCategory()
    {
        var city = CityFile.Parse(CityLoader.DemoCityText());

        Assert.Equal("90.03", city.HotlineCategories["12345-TS"]);
        Assert.Equal(7, city.HotlineCategories.Count);
        Assert.All(city.HotlineCategories.Values, code => Assert.True(city.CategoriesByCode.ContainsKey(code)));
    }
}
