using Microsoft.Playwright;

namespace Sprocket.Reconciler.IntegrationTests.StatusPages;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by tests/env/swarm.sh), headless, driven by Playwright's own
/// driver that the package copies beside the tests (<c>.playwright/</c>: node and the driver scripts, nothing fetched).
/// Playwright's browser download is never used: it cannot work on a machine without that CDN.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium package (tests/env/swarm.sh up does).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // No sandbox: test machines run as root, where Chromium refuses its sandbox. The rest keeps the browser from
            // calling Google's services, so that any request leaving loopback is the page's own.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
