using System.Globalization;
using Microsoft.Playwright;

namespace CityBrain.Bench.WebConsole;

/// <summary>
/// When the page reached a DOM condition, by the page's own clock (<c>Date.now()</c>, the same wall clock as
/// <see cref="WallMs"/> on this machine): a MutationObserver armed before the load records the first moment the
/// condition holds, so the figure does not include Playwright's polling of the page. The time is kept in an attribute of
/// the root element, which a locator waits for (no page-side predicate: the console's CSP refuses eval).
/// </summary>
internal static class PageSignals
{
    private const float Timeout = 120_000;

    /// <summary>Milliseconds since the Unix epoch, as the page's <c>Date.now()</c> counts them.</summary>
    public static double WallMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>Records, under <paramref name="name"/>, when the element <paramref name="selector"/> first has the
    /// text <paramref name="text"/> (or, with <paramref name="children"/>, that many child elements).</summary>
    public static Task ArmAsync(IPage page, string name, string selector, string? text = null, int? children = null) =>
        page.EvaluateAsync(
            """
            ([name, selector, text, children]) => {
              const el = document.querySelector(selector);
              const holds = () => text !== null ? el.textContent === text : el.childElementCount === children;
              const attribute = `data-bench-${name}`;
              document.documentElement.removeAttribute(attribute);
              const observer = new MutationObserver(() => {
                if (holds()) { document.documentElement.setAttribute(attribute, String(Date.now())); observer.disconnect(); }
              });
              if (holds()) document.documentElement.setAttribute(attribute, String(Date.now()));
              else observer.observe(el, { childList: true, characterData: true, subtree: text !== null });
            }
            """,
            new object?[] { name, selector, text, children });

    /// <summary>Waits until the condition armed as <paramref name="name"/> held; returns when it first did (epoch ms).</summary>
    public static async Task<double> WhenAsync(IPage page, string name)
    {
        var root = page.Locator($"html[data-bench-{name}]");
        await root.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = Timeout });
        return double.Parse((await root.GetAttributeAsync($"data-bench-{name}"))!, CultureInfo.InvariantCulture);
    }

    /// <summary>Records when each row (<c>[data-id]</c>) first enters <paramref name="selector"/>'s subtree.</summary>
    public static Task ArmRowsAsync(IPage page, string selector) =>
        page.EvaluateAsync(
            """
            selector => {
              window.__rowAt = {};
              new MutationObserver(records => {
                const at = Date.now();
                for (const record of records)
                  for (const node of record.addedNodes)
                    if (node.dataset?.id && !(node.dataset.id in window.__rowAt)) window.__rowAt[node.dataset.id] = at;
              }).observe(document.querySelector(selector), { childList: true, subtree: true });
            }
            """,
            selector);

    /// <summary>Waits until the row of <paramref name="id"/> is in <paramref name="selector"/>; returns when it first
    /// entered (epoch ms; the observer ran before any later task of the page).</summary>
    public static async Task<double> RowAtAsync(IPage page, string selector, string id)
    {
        await page.Locator($"{selector} [data-id='{id}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = Timeout });
        return await page.EvaluateAsync<double>("id => window.__rowAt[id]", id);
    }
}
