using Microsoft.Playwright;
using Sprocket.Reconciler.Testing.StatusPages;
using static Sprocket.Reconciler.Testing.StatusPages.StatusPageScene;

namespace Sprocket.Reconciler.IntegrationTests.StatusPages;

/// <summary>
/// The status pages in headless Chromium, served in process over a night on call (<see cref="StatusPageScene"/>): what
/// on-call reads, at a desktop and a phone width, that hostile names stay text and run nothing, and that the page asks for
/// nothing outside this host. Screenshots land in <c>artifacts/status-page/</c> under the test output.
/// </summary>
public sealed class StatusPageBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Dashboard = "https://grafana.example.org/d/sprocket-reconciler/sprocket-reconciler?orgId=1";

    private StatusPageHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await StatusPageHost.StartAsync(Status(), dashboardUrl: Dashboard, publicUrl: "https://reconciler.example.org");
        SeedApplies(_host.Applies);
        SeedEvents(_host.Events);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_overview_shows_every_stack_in_a_colour_and_a_word_at_any_width(int width)
    {
        await using var watch = await PageWatch.OpenAsync(chromium.Browser, width);
        await watch.GoToAsync(_host.Address);

        var page = watch.Page;
        foreach (var (stack, word) in new[] { (Held, "held"), (Synced, "synced"), (Failing, "failed"), (Behind, "out-of-sync"), (HostileStack, "drifted") })
        {
            var row = page.Locator("tr[data-stack]").Filter(new LocatorFilterOptions { Has = page.GetByRole(AriaRole.Link, new() { Name = stack, Exact = true }) });
            Assert.Equal(1, await row.CountAsync());
            Assert.True(await row.IsVisibleAsync(), $"{stack}'s row is hidden at {width} px");
            var badge = row.Locator(".badge");
            Assert.Equal(word, await badge.TextContentAsync());
            Assert.True(await badge.IsVisibleAsync());
        }
        // The colour carries the status too: a held badge is not drawn like a synced one.
        Assert.NotEqual(await ColourAsync(page, ".s-held"), await ColourAsync(page, ".s-synced"));
        Assert.Contains($"emergency rollback {BadTag} → {GoodTag}", await page.Locator($"tr[data-stack='{Held}'] .pill.incident").TextContentAsync());
        Assert.Equal("leader", await page.Locator("header .pill").TextContentAsync());
        Assert.Equal(0, await page.Locator("script").CountAsync());
        await watch.AssertNoHorizontalOverflowAsync();
        await watch.ScreenshotAsync($"overview-{width}");
        watch.AssertClean();
    }

    [Theory]
    [InlineData(1280, false)]
    [InlineData(390, false)]
    [InlineData(390, true)]
    public async Task A_held_stack_s_page_shows_the_incident_why_it_waits_its_history_and_the_commands(int width, bool dark)
    {
        await using var watch = await PageWatch.OpenAsync(chromium.Browser, width, dark: dark);
        await watch.GoToAsync(new Uri(_host.Address, $"stacks/{Held}"));

        var page = watch.Page;
        var incident = page.Locator("#incident");
        Assert.True(await incident.IsVisibleAsync(), $"the incident is hidden at {width} px");
        var incidentText = await incident.TextContentAsync() ?? "";
        Assert.Contains(BadTag, incidentText);
        Assert.Contains(GoodTag, incidentText);
        Assert.Contains("2026-11-30T03:05:00Z", incidentText);
        Assert.Contains("2026-11-30T03:15:20Z", incidentText);
        Assert.Equal(PullRequest, await page.Locator("#write-back").GetAttributeAsync("href"));
        Assert.Contains("Held (emergency-rollback)", await page.Locator("#acting").TextContentAsync());

        var services = page.Locator("#services + .table-wrap tbody tr");
        Assert.Equal(2, await services.CountAsync());
        Assert.Contains("emergency-rollback", await services.First.TextContentAsync());

        var timeline = page.Locator("ol.timeline li");
        Assert.Equal(5, await timeline.CountAsync());
        Assert.Equal(["write-back-pull-request", "stabilization-started", "emergency-rollback", "apply-succeeded", "apply-started"],
            await page.Locator("ol.timeline .kind").AllTextContentsAsync());
        Assert.Contains("platform-prod_web rolled back by hand to git-bbb2222", await timeline.Nth(2).TextContentAsync());
        Assert.Equal(PullRequest, await timeline.First.Locator("a").GetAttributeAsync("href"));

        var applies = await page.Locator("#applies + .table-wrap").TextContentAsync() ?? "";
        Assert.Contains($"platform-prod_web: {GoodTag}@sha256:bbbbbbbbbbbb… → {BadTag}@sha256:cccccccccccc…", applies);
        Assert.Equal(Image("web", BadTag), await page.Locator("#applies + .table-wrap code.image").Nth(1).GetAttributeAsync("title"));
        Assert.Contains("succeeded", applies);

        var commands = await page.Locator(".commands pre").AllTextContentsAsync();
        Assert.Contains($"curl -fsS -X POST -H \"Authorization: Bearer $TOKEN\" https://reconciler.example.org/api/v1/stacks/{Held}/hold", commands);
        Assert.Contains($"curl -fsS -X POST -H \"Authorization: Bearer $TOKEN\" https://reconciler.example.org/api/v1/stacks/{Held}/resume", commands);
        Assert.Contains($"curl -fsS -X POST -H \"Authorization: Bearer $TOKEN\" https://reconciler.example.org/api/v1/stacks/{Held}/reconcile", commands);
        Assert.Contains($"sprocket-reconciler history {Held} --url https://reconciler.example.org/", commands);
        Assert.Contains($"sprocket-reconciler history {Held} --events --url https://reconciler.example.org/", commands);
        Assert.Equal($"{Dashboard}&var-stack={Held}", await page.Locator("#grafana").GetAttributeAsync("href"));

        Assert.Equal(0, await page.Locator("script").CountAsync());
        await watch.AssertNoHorizontalOverflowAsync();
        // Dark is not light: the page follows the reader's colour scheme.
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.Equal(dark ? "rgb(13, 17, 23)" : "rgb(255, 255, 255)", background);
        await watch.ScreenshotAsync($"stack-{width}{(dark ? "-dark" : "")}");
        watch.AssertClean();
    }

    [Fact]
    public async Task A_night_without_hostile_names_fits_a_desktop_as_the_readme_shows_it()
    {
        await using var quiet = await StatusPageHost.StartAsync(Status(hostile: false), dashboardUrl: Dashboard);
        await using var watch = await PageWatch.OpenAsync(chromium.Browser, 1280, 720);
        await watch.GoToAsync(quiet.Address);

        Assert.Equal(4, await watch.Page.Locator("tr[data-stack]").CountAsync());
        Assert.Equal(["1 failed", "1 held", "1 out-of-sync", "1 synced"], await watch.Page.Locator(".summary .badge").AllTextContentsAsync());
        await watch.AssertNoHorizontalOverflowAsync();
        await watch.ScreenshotAsync("readme-overview");
        watch.AssertClean();
    }

    [Fact]
    public async Task Hostile_names_and_messages_are_text_in_the_dom_and_run_no_script()
    {
        await using var watch = await PageWatch.OpenAsync(chromium.Browser, 1280);
        var page = watch.Page;

        await watch.GoToAsync(_host.Address);
        var link = page.GetByRole(AriaRole.Link, new() { Name = HostileStack, Exact = true });
        Assert.Equal(HostileStack, await link.TextContentAsync());
        Assert.Equal("message" + Hostile, await page.Locator($"tr[data-stack] td.message").Nth(4).TextContentAsync());
        Assert.Equal(HostileStack, await page.Locator("tr[data-stack]").Nth(4).GetAttributeAsync("data-stack"));

        // Following the overview's own link reaches the hostile stack's page: the name survives the URL.
        await link.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal(HostileStack, await page.Locator(".stack-name").TextContentAsync());
        Assert.Equal("message" + Hostile, await page.Locator("#message").TextContentAsync());
        Assert.Equal(HostileService, await page.Locator(".service-name").TextContentAsync());
        Assert.Contains("failed" + Hostile, await page.Locator("#applies + .table-wrap").TextContentAsync());
        Assert.Contains("event" + Hostile, await page.Locator("ol.timeline").TextContentAsync());
        Assert.Equal(0, await page.Locator("ol.timeline a").CountAsync());
        Assert.Contains($"sprocket-reconciler history {OperatorQuoted(HostileStack)}", await page.Locator(".commands").TextContentAsync());

        Assert.Equal(0, await page.Locator("script, img").CountAsync());
        await watch.ScreenshotAsync("hostile-stack");
        watch.AssertClean();
    }

    [Fact]
    public async Task An_unknown_stack_is_a_404_page_naming_it()
    {
        await using var watch = await PageWatch.OpenAsync(chromium.Browser, 390);
        var response = await watch.GoToAsync(new Uri(_host.Address, "stacks/" + Uri.EscapeDataString("<b>nope</b>")), expectedStatus: 404);

        Assert.Equal(404, response.Status);
        Assert.Equal("<b>nope</b>", await watch.Page.Locator("h1 code").TextContentAsync());
        Assert.Equal(0, await watch.Page.Locator("b").CountAsync());
        Assert.Equal(5, await watch.Page.Locator("main ul li a").CountAsync());
        await watch.AssertNoHorizontalOverflowAsync();
        watch.AssertClean();
    }

    private static string OperatorQuoted(string word) => Sprocket.Reconciler.StatusPages.OperatorCommands.Quote(word);

    private static Task<string> ColourAsync(IPage page, string selector) =>
        page.Locator(selector).First.EvaluateAsync<string>("e => getComputedStyle(e).color");
}
