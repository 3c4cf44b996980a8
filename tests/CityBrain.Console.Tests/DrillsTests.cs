using CityBrain.Console.Tests.Infrastructure;
using CityBrain.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityBrain.Console.Tests;

/// <summary>演练: a dispatcher starts deploy/drills/flood-linkage.yaml from the console; as the center's clock passes its
/// second event the console follows it live (watch feed) to "all injected", with its report and chart.</summary>
public sealed class DrillsTests(DrillsTests.Silo silo, Browser browser, ITestOutputHelper output)
    : IClassFixture<DrillsTests.Silo>, IClassFixture<Browser>
{
    [Fact]
    public async Task Drill_StartedFromTheConsole_FollowedLiveToItsReport()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        await page.GotoAsync("/");
        await page.Locator("button.identity[data-user='dispatcher-1']").ClickAsync();
        await page.Locator("#board[data-loaded='true']").WaitForAsync();

        await page.Locator("#nav-drills").ClickAsync();
        await page.Locator("#drill-text").FillAsync(RepositoryFiles.Read("deploy/drills/flood-linkage.yaml"));
        await page.Locator("#drill-start").ClickAsync();
        await page.Locator("#drill-status[data-state]").WaitForAsync();
        await silo.AdvanceClockAsync(TimeSpan.FromMinutes(2));   // past the last event's offset (1 min)

        await page.Locator("#drill-status[data-state='DRILL_STATE_INJECTED']").WaitForAsync();
        await page.Locator("#drill-results tbody tr").First.WaitForAsync();
        Assert.Equal(1, await page.Locator("#drill-chart").CountAsync());
        var path = Path.Combine(Browser.Screenshots, "drill.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot {path}");
    }

    /// <summary>A silo of its own: the drill's clock moves stay out of the other tests.</summary>
    public sealed class Silo : ConsoleSilo;
}
