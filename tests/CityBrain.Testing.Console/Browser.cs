using Microsoft.Playwright;
using Xunit;

namespace CityBrain.Testing.WebConsole;

/// <summary>Debian's chromium driven by Playwright, headless. No browser is downloaded: a machine without
/// <c>/usr/bin/chromium</c> fails the console's tests (and its benchmark) with the package to install (scripts/test.sh
/// installs it).</summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots (under the test output).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>A fresh browser context (own sessionStorage) on the silo's console, 1440×1000, waiting at most
    /// <paramref name="timeoutMs"/> for a DOM condition.</summary>
    public async Task<IBrowserContext> OpenAsync(ConsoleSilo silo, float timeoutMs = 15_000)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = silo.HttpAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(timeoutMs);
        await context.NewPageAsync();
        return context;
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Fail, never skip: a CI run without the browser must not pass for having tested nothing.
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: the console's browser tests need Debian's chromium (apt-get install -y chromium)." +
                (Environment.GetEnvironmentVariable("CI") == "true" ? " CI=true: scripts/test.sh should have installed it." : ""));
        }

        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
