using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityBrain.Testing;
using CityBrain.Testing.WebConsole;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityBrain.Console.Tests;

/// <summary>演练: a dispatcher starts deploy/drills/flood-linkage.yaml from the console; as the center's clock passes its
/// second event the console follows it live (watch feed) to "all injected", with its report and chart. A running drill
/// is listed, stopped and cancelled from the console (each confirmed first); a viewer lists it without buttons.</summary>
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

    [Fact]
    public async Task Drill_ListedRunning_StoppedAndCancelledFromTheConsoleAfterConfirming_ViewerHasNoButtons()
    {
        var id = "console-stop-" + Guid.NewGuid().ToString("N")[..6];
        var identities = await silo.IdentitiesAsync();
        var dispatcherToken = identities.Single(i => i.UserId == "dispatcher-1").Token;
        var started = await CallAsync(HttpMethod.Post, "/v1/drills", dispatcherToken,
            new { scenarioText = RepositoryFiles.Read("deploy/drills/flood-linkage.yaml").Replace("flood-linkage-2026-11", id, StringComparison.Ordinal) });
        Assert.Equal("DRILL_STATE_RUNNING", started.GetProperty("state").GetString());

        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync("/");
        await page.Locator("button.identity[data-user='dispatcher-1']").ClickAsync();
        await page.Locator("#board[data-loaded='true']").WaitForAsync();
        await page.Locator("#nav-drills").ClickAsync();

        // Listed running, with who started it.
        var row = page.Locator($"#drill-list tr[data-id='{id}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "DRILL_STATE_RUNNING");
        Assert.Contains("dispatcher-1", await row.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("注入中", await row.TextContentAsync(), StringComparison.Ordinal);

        // Stop asks first; backing out changes nothing.
        await row.Locator("button[data-action='stop']").ClickAsync();
        await Assertions.Expect(page.Locator("#drill-confirm")).ToBeVisibleAsync();
        await page.Locator("#drill-confirm-no").ClickAsync();
        await Assertions.Expect(page.Locator("#drill-confirm")).ToBeHiddenAsync();
        Assert.Equal("DRILL_STATE_RUNNING", (await CallAsync(HttpMethod.Get, $"/v1/drills/{id}", dispatcherToken)).GetProperty("state").GetString());

        // Confirmed, with a reason: stopped, in the list and in the drill's own panel.
        await row.Locator("button[data-action='stop']").ClickAsync();
        await page.Locator("#drill-reason").FillAsync("指挥部叫停");
        await page.Locator("#drill-confirm-yes").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "DRILL_STATE_STOPPED");
        await page.Locator("#drill-status[data-state='DRILL_STATE_STOPPED']").WaitForAsync();
        Assert.Contains("指挥部叫停", await page.Locator("#drill-stopped").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await row.Locator("button[data-action='stop']").CountAsync());
        var stopped = await CallAsync(HttpMethod.Get, $"/v1/drills/{id}", dispatcherToken);
        Assert.Equal(("DRILL_STATE_STOPPED", "dispatcher-1"), (stopped.GetProperty("state").GetString(), stopped.GetProperty("stoppedBy").GetString()));
        var path = Path.Combine(Browser.Screenshots, "drill-stopped.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot {path}");

        // Cancel closes what the stop left open.
        await row.Locator("button[data-action='cancel']").ClickAsync();
        await page.Locator("#drill-confirm-yes").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "DRILL_STATE_CANCELLED");
        Assert.Equal(0, await row.Locator("button[data-action]").CountAsync());

        // A viewer lists drills but has nothing to press.
        await page.Locator("#signout").ClickAsync();
        await page.Locator("button.identity[data-user='viewer-1']").ClickAsync();
        await page.Locator("#board[data-loaded='true']").WaitForAsync();
        await page.Locator("#nav-drills").ClickAsync();
        await Assertions.Expect(page.Locator($"#drill-list tr[data-id='{id}']")).ToHaveAttributeAsync("data-state", "DRILL_STATE_CANCELLED");
        Assert.Equal(0, await page.Locator("#drill-list button[data-action]").CountAsync());
        Assert.Equal(0, await page.Locator("#drill-form").CountAsync());
        Assert.Empty(errors);
    }

    private async Task<JsonElement> CallAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await silo.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A silo of its own: the drill's clock moves stay out of the other tests.</summary>
    public sealed class Silo : ConsoleSilo;
}
