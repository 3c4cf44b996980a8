using Microsoft.Playwright;

namespace CityBrain.Testing.WebConsole;

/// <summary>The console's own performance marks and DevTools' main-thread figures of a page.</summary>
public static class PageFigures
{
    /// <summary>The time of the page's first mark <paramref name="name"/> (ms since the navigation), or -1 without one.</summary>
    public static async Task<double> MarkAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        return await page.EvaluateAsync<double>("name => performance.getEntriesByName(name)[0]?.startTime ?? -1", name);
    }

    /// <summary>Opens the map (网格地图) from another screen: the time from the click to every point drawn (the map's
    /// <c>citybrain:map:loaded</c> mark, two frames later so the mark's frame is painted), in ms.</summary>
    public static async Task<double> OpenMapAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.EvaluateAsync("() => { performance.clearMarks('citybrain:map:loaded'); window.__mapFrom = performance.now(); }");
        await page.Locator("#nav-map").ClickAsync();
        await page.Locator("#city-map[data-loaded='true']").WaitForAsync();
        return await page.EvaluateAsync<double>(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r((performance.getEntriesByName('citybrain:map:loaded')[0]?.startTime ?? NaN) - window.__mapFrom))))");
    }

    /// <summary>DevTools' <c>Performance.getMetrics</c> of the page (the session must have sent <c>Performance.enable</c>).</summary>
    public static async Task<MainThread> MainThreadAsync(ICDPSession cdp)
    {
        ArgumentNullException.ThrowIfNull(cdp);
        var result = await cdp.SendAsync("Performance.getMetrics");
        var metrics = result!.Value.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
        return new MainThread(metrics["TaskDuration"], metrics["ScriptDuration"], metrics["LayoutDuration"], metrics["RecalcStyleDuration"], metrics["Timestamp"], metrics.GetValueOrDefault("ThreadTime"), metrics.GetValueOrDefault("ProcessTime"));
    }
}
