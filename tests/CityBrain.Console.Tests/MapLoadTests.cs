using System.Globalization;
using CityBrain.Gateway;
using CityBrain.Gateway.Api;
using CityBrain.Testing.WebConsole;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityBrain.Console.Tests;

/// <summary>
/// The map with the board's 5,000 open incidents as points (half at their coordinates, half by grid only), every one
/// drawn, then 50 rejections per second for 10 s, each removing its point. The figures (all points drawn after the
/// click on 网格地图, main thread busy) are printed, not asserted: the target is the benchmark's,
/// <c>dotnet run -c Release --project bench/CityBrain.Bench.Console -- board</c>.
/// </summary>
public sealed class MapLoadTests(MapLoadTests.Silo silo, Browser browser, ITestOutputHelper output)
    : IClassFixture<MapLoadTests.Silo>, IClassFixture<Browser>
{
    private const int OpenIncidents = 5000;
    private const int ChangesPerSecond = 50;
    private const int ChangeSeconds = 10;

    [Fact]
    public async Task Map_FiveThousandPointsAndFiftyChangesPerSecond_EveryPointDrawnAndEveryRejectionRemoved()
    {
        var identities = await silo.IdentitiesAsync();
        var ids = await IncidentLoad.SubmitManyAsync(silo, identities.Single(i => i.Role == "feed").Token, OpenIncidents, IncidentLoad.HalfByCoordinates(silo));

        await using var context = await browser.OpenAsync(silo, 120_000);
        var page = context.Pages[0];
        await page.GotoAsync("/");
        await page.Locator("button.identity[data-user='dispatcher-1']").ClickAsync();
        await page.Locator("#board[data-loaded='true']").WaitForAsync();

        var loadedMs = await PageFigures.OpenMapAsync(page);
        Assert.Equal(OpenIncidents, await page.Locator("#map-points circle").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Screenshots, "map-5000.png") });

        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        var before = await PageFigures.MainThreadAsync(cdp);
        using var api = ApiChannel.Create(silo.GrpcAddress, identities.Single(i => i.UserId == "dispatcher-1").Token);
        var dispatch = new Dispatch.DispatchClient(api);
        var changed = ids.Take(ChangesPerSecond * ChangeSeconds).ToList();
        var sending = await IncidentLoad.PacedAsync(changed, ChangesPerSecond,
            id => dispatch.RejectAsync(new IncidentAction { IncidentId = id, Reason = "load" }).ResponseAsync);

        await Assertions.Expect(page.Locator("#map-points circle")).ToHaveCountAsync(OpenIncidents - changed.Count, new() { Timeout = 60_000 });
        Assert.Equal(0, await page.Locator($"#map-points circle[data-id='{changed[^1]}']").CountAsync());
        var after = await PageFigures.MainThreadAsync(cdp);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"map open_incidents={OpenIncidents} all_points_ms={loadedMs:F0} changes={changed.Count} changes_per_s={changed.Count / sending.TotalSeconds:F1} main_thread_busy={after.BusySince(before):F3} (figures only; targets: bench/CityBrain.Bench.Console)"));
    }

    /// <summary>A silo of its own: the 5,000 incidents stay out of the other tests' maps and boards.</summary>
    public sealed class Silo : ConsoleSilo;
}
