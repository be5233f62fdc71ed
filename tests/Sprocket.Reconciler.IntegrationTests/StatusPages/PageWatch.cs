using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Sprocket.Reconciler.IntegrationTests.StatusPages;

/// <summary>
/// A browser page that records what must never happen on a status page: a dialog (a script ran), a console error or
/// uncaught exception, a failed request, a request to anything but loopback (an external asset). Requests off loopback
/// are aborted, so a page that tried one fails here and not by reaching the internet.
/// </summary>
public sealed class PageWatch : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _problems = new();

    private readonly ConcurrentDictionary<string, int> _expectedStatus = new();

    private PageWatch(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyCollection<string> Problems => _problems;

    /// <param name="dark">Render as a browser set to a dark colour scheme (the pages follow <c>prefers-color-scheme</c>).</param>
    public static async Task<PageWatch> OpenAsync(IBrowser browser, int width, int height = 900, bool dark = false)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            // A phone renders at its device pixel ratio; the screenshots stay sharp on a laptop too.
            DeviceScaleFactor = width < 600 ? 3 : 1,
            IsMobile = width < 600,
            HasTouch = width < 600,
            JavaScriptEnabled = true,
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        var page = await context.NewPageAsync();
        var watch = new PageWatch(context, page);
        page.Dialog += (_, dialog) =>
        {
            watch._problems.Enqueue($"dialog ({dialog.Type}): {dialog.Message}");
            _ = dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            // Chromium reports every error status on the console, the 404 a test asked for as well.
            if (message.Type is "error" or "warning" && !watch.Expected(message.Location, message.Text))
                watch._problems.Enqueue($"console {message.Type}: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => watch._problems.Enqueue($"page error: {error}");
        page.RequestFailed += (_, request) => watch._problems.Enqueue($"request failed: {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && watch._expectedStatus.GetValueOrDefault(response.Url) != response.Status)
                watch._problems.Enqueue($"HTTP {response.Status}: {response.Url}");
        };
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.IsLoopback) await route.ContinueAsync();
            else
            {
                watch._problems.Enqueue($"request off loopback: {route.Request.Url}");
                await route.AbortAsync();
            }
        });
        return watch;
    }

    /// <summary>Goes to <paramref name="url"/> and waits until the document and everything it asked for has loaded.</summary>
    /// <param name="expectedStatus">An error status this document is meant to answer (the 404 page), not counted as a problem.</param>
    public async Task<IResponse> GoToAsync(Uri url, int? expectedStatus = null)
    {
        if (expectedStatus is { } status) _expectedStatus[url.AbsoluteUri] = status;
        var response = await Page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return response ?? throw new InvalidOperationException($"no response for {url}");
    }

    /// <summary>Whether a console line reports the status a test expected; its location is <c>url:line:column</c>.</summary>
    private bool Expected(string location, string text) =>
        _expectedStatus.Any(e => location.StartsWith(e.Key + ":", StringComparison.Ordinal) && text.Contains($"status of {e.Value} ", StringComparison.Ordinal));

    public void AssertClean() => Assert.True(_problems.IsEmpty, "the page misbehaved:\n  " + string.Join("\n  ", _problems));

    /// <summary>The page is no wider than the viewport: nothing makes the reader scroll sideways.</summary>
    public async Task AssertNoHorizontalOverflowAsync()
    {
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scrollWidth, innerWidth) = (widths[0], widths[1]);
        Assert.True(scrollWidth <= innerWidth, $"the page is {scrollWidth} px wide in a {innerWidth} px viewport");
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(ArtifactDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Where screenshots are kept for a human to look at: <c>artifacts/status-page/</c> under the test output.</summary>
    public static string ArtifactDirectory { get; } =
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts", "status-page")).FullName;

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
