using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityBrain.Grains.City;
using CityBrain.Testing.WebConsole;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityBrain.Console.Tests;

/// <summary>
/// The dispatcher console in Debian's chromium against a real silo (in process, SQLite, the demo city, a clock the
/// test moves): a dispatcher sees a 12345 report arrive on the board, accepts and assigns it; the department arrives;
/// the row turns from green to yellow when the center's clock passes the warning; a viewer has no action and a forged
/// one is refused. Screenshots of each screen go to the test output's <c>screenshots</c> folder.
/// </summary>
public sealed class ConsoleEndToEndTests(ConsoleSilo silo, Browser browser, ITestOutputHelper output)
    : IClassFixture<ConsoleSilo>, IClassFixture<Browser>
{
    [Fact]
    public async Task Console_ReportAcceptAssignArriveWarnAndViewer_EachStepThroughTheApi()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        // Sign-in screen: development identities, one click.
        await page.GotoAsync("/");
        await page.Locator("button.identity[data-user='dispatcher-1']").WaitForAsync();
        await ShotAsync(page, "signin");
        await SignInAsync(page, "dispatcher-1");

        // Board: a 12345 report appears on the open board, in time (green). How soon is the benchmark's figure
        // (bench/CityBrain.Bench.Console, target under 1 s after the acknowledgement), not this test's.
        var identities = await silo.IdentitiesAsync();
        var id = await SubmitAsync(identities.Single(i => i.Role == "feed").Token);
        var row = page.Locator($"#group-accept [data-id='{id}']");
        await row.WaitForAsync();
        Assert.Equal("ok", await row.GetAttributeAsync("data-state"));
        await ShotAsync(page, "board");

        // Keyboard: the row takes focus and Enter opens the incident.
        await row.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#incident[data-status='INCIDENT_STATUS_REPORTED']").WaitForAsync();

        // Accept (受理) and assign (派遣) to the category's department, sanitation, preselected.
        await ActAsync(page, "accept", "INCIDENT_STATUS_ACCEPTED");
        Assert.True(await page.Locator("#dept-sanitation").IsCheckedAsync());
        await ActAsync(page, "assign", "INCIDENT_STATUS_ASSIGNED");
        await ShotAsync(page, "incident");

        // The department signs in and confirms arrival (到场).
        await SignOutAsync(page);
        await SignInAsync(page, "sanitation-desk");
        await page.GotoAsync($"/#/incident/{id}");
        await page.Locator("#incident[data-status='INCIDENT_STATUS_ASSIGNED']").WaitForAsync();
        Assert.Equal(0, await page.Locator("button[data-action='accept']").CountAsync());
        await ActAsync(page, "confirmArrival", "INCIDENT_STATUS_ON_SITE");

        // Back on the board the resolve clock (11.01: 12 h) runs, green; past 80 % of it the row turns yellow.
        await page.GotoAsync("/#/board");
        var resolving = page.Locator($"#group-resolve [data-id='{id}']");
        await Assertions.Expect(resolving).ToHaveAttributeAsync("data-state", "ok");
        await silo.AdvanceClockAsync(TimeSpan.FromHours(10));
        await Assertions.Expect(resolving).ToHaveAttributeAsync("data-state", "warning");
        await ShotAsync(page, "board-warning");

        // A viewer sees no action; a forged call with its token is refused by the API.
        await SignOutAsync(page);
        await SignInAsync(page, "viewer-1");
        await page.GotoAsync($"/#/incident/{id}");
        await page.Locator("#no-actions").WaitForAsync();
        Assert.Equal(0, await page.Locator("button[data-action]").CountAsync());
        var forged = await page.EvaluateAsync<int>(
            "async id => (await fetch(`/v1/incidents/${id}:escalate`, { method: 'POST', headers: { authorization: `Bearer ${sessionStorage.getItem('citybrain.token')}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'forged' }) })).status",
            id);
        Assert.Equal(403, forged);
        await ShotAsync(page, "incident-viewer");

        // Queue in English: filters and the list.
        await page.GotoAsync("/#/queue");
        await page.Locator("#lang").ClickAsync();
        await page.Locator($"#queue-table a:text('{id}')").WaitForAsync();
        await ShotAsync(page, "queue-en");

        // The queue's filters reach the API: the same incident is not among the closed ones.
        await page.Locator("#status").SelectOptionAsync("INCIDENT_STATUS_CLOSED");
        await page.Locator("#queue-filters button[type='submit']").ClickAsync();
        await Assertions.Expect(page.Locator("#queue-message")).ToHaveTextAsync("No incident matches");
        Assert.Equal(0, await page.Locator($"#queue-table a:text('{id}')").CountAsync());

        Assert.Empty(errors);
    }

    [Fact]
    public async Task Console_RefusedAction_ShowsTheApisMessage()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var identities = await silo.IdentitiesAsync();
        var id = await SubmitAsync(identities.Single(i => i.Role == "feed").Token, grid: "g050");   // outside c01

        await page.GotoAsync("/");
        await SignInAsync(page, "dispatcher-c01");
        await page.GotoAsync($"/#/incident/{id}");
        var refused = page.Locator("#incident .error[role='alert']");
        await refused.WaitForAsync();

        // The community dispatcher may not read (nor act on) an incident outside its jurisdiction: the API's words.
        Assert.Contains("dispatcher-c01", await refused.TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_ExpiredToken_ReturnsToSignIn()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        await page.GotoAsync("/");
        await SignInAsync(page, "dispatcher-1");

        // A token the API does not accept (its signature broken) stands for an expired one: the API answers 401.
        await page.EvaluateAsync("() => sessionStorage.setItem('citybrain.token', sessionStorage.getItem('citybrain.token').slice(0, -4) + 'AAAA')");
        await page.ReloadAsync();   // the board again, now with a token the API refuses

        await page.Locator("#signin-expired").WaitForAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('citybrain.token')"));
    }

    [Fact]
    public async Task Evaluation_Dispatcher_TableAndCsvExportOfTheSameFigures()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var identities = await silo.IdentitiesAsync();
        await SubmitAsync(identities.Single(i => i.Role == "feed").Token);   // one incident today, in g001
        await page.GotoAsync("/");
        await SignInAsync(page, "dispatcher-1");

        await page.Locator("#nav-evaluation").ClickAsync();
        var total = page.Locator("#eval-table tbody tr", new PageLocatorOptions { HasText = "合计" });
        await total.WaitForAsync();
        await ShotAsync(page, "evaluation");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#eval-export").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), System.Text.Encoding.UTF8);

        var lines = csv.TrimStart('\ufeff').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("排名,名称,工单数,及时受理率,及时派遣率,按时到场率,按期结案率,返工率", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("1,湖滨第001网格,", StringComparison.Ordinal) || l.Contains(",湖滨第001网格,", StringComparison.Ordinal));
        Assert.StartsWith("合计,,", lines[^1], StringComparison.Ordinal);
        Assert.Equal(await page.Locator("#eval-table tbody tr").CountAsync(), lines.Length - 1);
        Assert.StartsWith("evaluation-grid-", download.SuggestedFilename, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_GridWithAnOpenIncident_ColouredAndItsIncidentsOnEnter()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var identities = await silo.IdentitiesAsync();
        var id = await SubmitAsync(identities.Single(i => i.Role == "feed").Token, grid: "g120");   // no other test uses g120
        await page.GotoAsync("/");
        await SignInAsync(page, "viewer-1");

        await page.Locator("#nav-map").ClickAsync();
        await page.Locator("#city-map[data-loaded='true']").WaitForAsync();
        var grid = page.Locator("#city-map polygon[data-grid='g120']");
        Assert.Equal("ok", await grid.GetAttributeAsync("data-state"));
        Assert.Equal("none", await page.Locator("#city-map polygon[data-grid='g121']").GetAttributeAsync("data-state"));
        await grid.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await page.Locator($"#map-incidents a:text('{id}')").WaitForAsync();
        Assert.Contains("网格员", await page.Locator("#map-detail").TextContentAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "map");
    }

    [Fact]
    public async Task Map_IncidentsReportedWhileOpen_PointsAtTheirCoordinatesOrInTheirGrid_AClickOpensTheIncident()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        var feed = (await silo.IdentitiesAsync()).Single(i => i.Role == "feed").Token;
        await page.GotoAsync("/");
        await SignInAsync(page, "dispatcher-1");
        await page.Locator("#nav-map").ClickAsync();
        await page.Locator("#city-map[data-loaded='true']").WaitForAsync();

        // Reported after the map loaded: the points come live (the board's feed). g140 by coordinates, g141 by grid only.
        var inside = silo.Services.GetRequiredService<CityDirectory>().Require().GridsById["g140"].Polygon.InteriorPoint;
        var located = await SubmitAsync(feed, at: (inside.X, inside.Y));
        var gridOnly = await SubmitAsync(feed, grid: "g141");
        var point = page.Locator($"#map-points circle[data-id='{located}']");
        await Assertions.Expect(point).ToHaveAttributeAsync("data-state", "ok");
        await Assertions.Expect(page.Locator($"#map-points circle[data-id='{gridOnly}']")).ToHaveAttributeAsync("data-state", "ok");
        await Assertions.Expect(page.Locator("#city-map polygon[data-grid='g140']")).ToHaveAttributeAsync("data-state", "ok");

        // Each point lies in its incident's grid: at its coordinates, or near the grid's centroid.
        const string InGrid = "([id, grid]) => { const c = document.querySelector(`#map-points [data-id='${id}']`); " +
            "return document.querySelector(`#city-map polygon[data-grid='${grid}']`).isPointInFill(new DOMPoint(+c.getAttribute('cx'), +c.getAttribute('cy'))); }";
        Assert.True(await page.EvaluateAsync<bool>(InGrid, new[] { located, "g140" }));
        Assert.True(await page.EvaluateAsync<bool>(InGrid, new[] { gridOnly, "g141" }));
        await ShotAsync(page, "map-points");

        await point.ClickAsync();
        await page.Locator("#incident[data-status='INCIDENT_STATUS_REPORTED']").WaitForAsync();
        Assert.EndsWith($"#/incident/{located}", page.Url, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task SignIn_PastedTokenOrNot_SignsInAsItsCallerOrSaysWhy()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var token = (await silo.IdentitiesAsync()).Single(i => i.UserId == "dispatcher-c01").Token;
        await page.GotoAsync("/");

        await page.Locator("#token").FillAsync("not a token");
        await page.Locator("#signin form button[type='submit']").ClickAsync();
        await Assertions.Expect(page.Locator("#signin form .error")).ToHaveTextAsync("这不是有效的令牌。");
        await page.Locator("#token").FillAsync(token);
        await page.Locator("#signin form button[type='submit']").ClickAsync();

        await page.Locator("#board[data-loaded='true']").WaitForAsync();
        Assert.Contains("dispatcher-c01", await page.Locator("#who").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("c01", await page.Locator("#who").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task I18n_ChineseAndEnglish_SameKeys()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        await page.GotoAsync("/");

        var missing = await page.EvaluateAsync<string[]>(
            "async () => { const { dictionaryKeys: k } = await import('/i18n.js'); return [...k.zh.filter(x => !k.en.includes(x)), ...k.en.filter(x => !k.zh.includes(x))]; }");

        Assert.Empty(missing);
    }

    /// <summary>Search, notes and a department's history: a dispatcher finds a 12345 report by a word of its text and by
    /// the caller's last digits (a viewer is not offered the phone box), writes a note that the timeline shows without a
    /// status change, and the department finds its handled assignment in its history.</summary>
    [Fact]
    public async Task Console_SearchNoteAndDepartmentHistory_EachThroughTheApi()
    {
        await using var context = await browser.OpenAsync(silo);
        var page = context.Pages[0];
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        var marker = "井盖" + Guid.NewGuid().ToString("N")[..6];
        var id = await SubmitAsync((await silo.IdentitiesAsync()).Single(i => i.Role == "feed").Token, description: marker + " 缺失，市民来电", phone: "13912345678");
        await page.GotoAsync("/");
        await SignInAsync(page, "dispatcher-1");

        // Queue: by text, then by the caller's last four digits.
        await page.GotoAsync("/#/queue");
        await page.Locator("#search-text").FillAsync(marker);
        await page.Locator("#queue-filters button[type='submit']").ClickAsync();
        await Assertions.Expect(page.Locator("#queue-table tbody tr")).ToHaveCountAsync(1);
        await page.Locator($"#queue-table a:text('{id}')").WaitForAsync();
        await ShotAsync(page, "queue-search");
        await page.Locator("#search-text").FillAsync("");
        await page.Locator("#search-phone").FillAsync("5678");
        await page.Locator("#queue-filters button[type='submit']").ClickAsync();
        await page.Locator($"#queue-table a:text('{id}')").WaitForAsync();
        await page.Locator("#search-phone").FillAsync("0000");
        await page.Locator("#queue-filters button[type='submit']").ClickAsync();
        await Assertions.Expect(page.Locator("#queue-message")).ToHaveTextAsync("没有符合条件的工单");

        // Incident: accept, assign, then a note — in the timeline, the status unchanged.
        await page.GotoAsync($"/#/incident/{id}");
        await ActAsync(page, "accept", "INCIDENT_STATUS_ACCEPTED");
        await ActAsync(page, "assign", "INCIDENT_STATUS_ASSIGNED");
        await page.Locator("#note-text").FillAsync("已联系来电人\n约 20 分钟到场");
        await page.Locator("#note-link").FillAsync("https://files.example/scene.jpg");
        await page.Locator("#incident button[data-action='addNote']").ClickAsync();
        var note = page.Locator("#journal li.note");
        await Assertions.Expect(note).ToContainTextAsync("约 20 分钟到场");
        await Assertions.Expect(note).ToContainTextAsync("dispatcher-1");
        Assert.Equal("https://files.example/scene.jpg", await note.Locator("a").GetAttributeAsync("href"));
        Assert.Equal("INCIDENT_STATUS_ASSIGNED", await page.Locator("#incident").GetAttributeAsync("data-status"));
        await page.Locator("#note-text").FillAsync("   ");
        await page.Locator("#incident button[data-action='addNote']").ClickAsync();
        await Assertions.Expect(page.Locator("#note-result[role='alert']")).ToContainTextAsync("add_note.text");
        await ShotAsync(page, "incident-note");

        // The department arrives and hands it back as handled; its history lists it.
        await SignOutAsync(page);
        await SignInAsync(page, "sanitation-desk");
        await page.GotoAsync($"/#/incident/{id}");
        await ActAsync(page, "confirmArrival", "INCIDENT_STATUS_ON_SITE");
        await ActAsync(page, "handle", "INCIDENT_STATUS_HANDLED");
        await page.Locator("#nav-assignments").ClickAsync();
        var row = page.Locator("#assign-history tbody tr", new PageLocatorOptions { HasText = id });
        await Assertions.Expect(row).ToContainTextAsync("已处置");
        await ShotAsync(page, "assignments");

        // A viewer searches by text only: no phone box (the API refuses it the phone search).
        await SignOutAsync(page);
        await SignInAsync(page, "viewer-1");
        await page.GotoAsync("/#/queue");
        await page.Locator("#search-text").WaitForAsync();
        Assert.Equal(0, await page.Locator("#search-phone").CountAsync());

        Assert.Empty(errors);
    }

    private static async Task SignInAsync(IPage page, string user)
    {
        await page.Locator($"button.identity[data-user='{user}']").ClickAsync();
        await page.Locator("#board[data-loaded='true']").WaitForAsync();
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.Locator("#signout").ClickAsync();
        await page.Locator("#signin").WaitForAsync();
    }

    private static async Task ActAsync(IPage page, string action, string status)
    {
        await page.Locator($"#incident button[data-action='{action}']").ClickAsync();
        await page.Locator($"#incident[data-status='{status}']").WaitForAsync();
    }

    /// <summary>A 12345 report through the API (<c>POST /v1/events</c>) as the hotline feed: at the given coordinates, in g001
    /// by its coordinates, elsewhere by the grid id the source knows; with a caller when a phone is given.</summary>
    private async Task<string> SubmitAsync(string feedToken, string grid = "g001", string description = "垃圾堆积，市民来电", string? phone = null, (double Longitude, double Latitude)? at = null)
    {
        object location = at is { } point ? new { longitude = point.Longitude, latitude = point.Latitude, address = "地图测试点" }
            : grid == "g001" ? new { longitude = 120.151, latitude = 30.2605, address = "湖滨路 1 号" }
            : new { gridId = grid, address = "清波街 8 号" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = JsonContent.Create(new
            {
                source = "hotline-12345",
                sourceEventId = "WO-" + Guid.NewGuid().ToString("N")[..12],
                messageType = "MESSAGE_TYPE_ALERT",
                categoryCode = "11.01",
                description,
                location,
                reporter = phone is null ? null : new { name = "张三", phone },
            }, options: new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", feedToken);
        using var response = await silo.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("incidentId").GetString()!;
    }

    private async Task ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(Browser.Screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot {path}");
    }
}
