using System.Net;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.Testing.StatusPages;
using static Sprocket.Reconciler.Testing.StatusPages.StatusPageScene;

namespace Sprocket.Reconciler.Host.Tests.StatusPages;

/// <summary>
/// The status pages as served (endpoints, Razor components, state stores) read as HTML text, where a browser adds
/// nothing: what each page says, that user data is encoded, the 404 page, the commands and the links out. The browser
/// tests (integration lane) look at layout, script and the DOM.
/// </summary>
public sealed class StatusPageRenderingTests : IAsyncLifetime
{
    private const string Dashboard = "https://grafana.example.org/d/sprocket-reconciler/drift?orgId=1";

    private StatusPageHost _host = null!;

    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await StatusPageHost.StartAsync(Status(), dashboardUrl: Dashboard, publicUrl: "https://reconciler.example.org/ops");
        SeedApplies(_host.Applies);
        SeedEvents(_host.Events);
        _client = new HttpClient { BaseAddress = _host.Address };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task The_overview_lists_every_stack_with_its_status_word_and_incident()
    {
        var (status, html) = await GetAsync("");

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var (stack, word) in new[] { (Held, "held"), (Synced, "synced"), (Failing, "failed"), (Behind, "out-of-sync") })
        {
            Assert.Matches($"<a class=\"stack-link\" href=\"stacks/{stack}\"><strong>{stack}</strong>", html);
            Assert.Contains($"<span class=\"badge s-{word}\">{word}</span>", html);
        }
        Assert.Contains($"emergency rollback {BadTag} → {GoodTag}", WebUtility.HtmlDecode(html));
        Assert.Contains("<meta http-equiv=\"refresh\"", html);
        Assert.Contains("leader", html);
    }

    [Theory]
    [InlineData("")]
    [InlineData("stacks/evil%3Cscript%3Ealert(1)%3C%2Fscript%3E%22q%22%20%26%20'a'%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E")]
    [InlineData("stacks/%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    public async Task User_data_is_encoded_never_markup(string path)
    {
        var (_, html) = await GetAsync(path);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }

    [Fact]
    public async Task An_unknown_stack_is_a_404_page_that_names_it_and_links_the_known_ones()
    {
        var (status, html) = await GetAsync("stacks/nope");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("No stack named <code>nope</code>", html);
        Assert.Contains($"<a href=\"{Held}\">{Held}</a>", html);
    }

    [Fact]
    public async Task A_held_stack_shows_its_incident_why_it_waits_and_its_write_back()
    {
        var (status, html) = await GetAsync($"stacks/{Held}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("id=\"incident\"", html);
        Assert.Contains($"<span class=\"tag\">{BadTag}</span>", html);
        Assert.Contains($"<span class=\"tag\">{GoodTag}</span>", html);
        Assert.Contains($"<time datetime=\"2026-11-30T03:05:00Z\">2026-11-30T03:05:00Z</time> <span class=\"age\">(7 min ago)</span>", html);
        // Stable 20 s after the rollback, plus the 10 min stabilization.
        Assert.Contains("2026-11-30T03:15:20Z</time> <span class=\"age\">(in 3 min 20 s)</span>", html);
        Assert.Contains($"<a id=\"write-back\" href=\"{PullRequest}\">", html);
        Assert.Contains("Held (emergency-rollback) since 2026-11-30T03:05:00Z", html);
        Assert.Contains($"Tag {BadTag} is refused", html);
    }

    [Fact]
    public async Task The_commands_use_the_public_url_the_real_api_paths_and_a_token_from_the_environment()
    {
        var (_, html) = await GetAsync($"stacks/{Held}");

        foreach (var action in new[] { "hold", "resume", "reconcile" })
            Assert.Contains($"curl -fsS -X POST -H &quot;Authorization: Bearer $TOKEN&quot; https://reconciler.example.org/ops/api/v1/stacks/{Held}/{action}", html);
        Assert.Contains($"sprocket-reconciler history {Held} --url https://reconciler.example.org/ops/", html);
        Assert.Contains($"sprocket-reconciler history {Held} --events --url https://reconciler.example.org/ops/", html);
        Assert.Contains("sprocket-reconciler diff", html);
    }

    [Fact]
    public async Task The_commands_quote_a_hostile_name_for_the_shell()
    {
        var (_, html) = await GetAsync("stacks/" + Uri.EscapeDataString(HostileStack));

        // The name travels percent-encoded in the URL and single-quoted (its own quotes escaped) on the command line.
        Assert.Contains("api/v1/stacks/evil%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22q%22%20%26%20%27a%27", WebUtility.HtmlDecode(html));
        Assert.Contains("sprocket-reconciler history 'evil<script>alert(1)</script>\"q\" & '\\''a'\\''<img src=x onerror=alert(2)>' --url", WebUtility.HtmlDecode(html));
    }

    [Fact]
    public async Task The_grafana_dashboard_is_linked_with_the_stack_variable()
    {
        var (_, html) = await GetAsync($"stacks/{Held}");

        Assert.Contains($"href=\"{Dashboard.Replace("&", "&amp;")}&amp;var-stack={Held}\"", html);
    }

    [Fact]
    public async Task The_circuit_and_autosync_say_why_a_stack_is_not_applied()
    {
        var (_, failing) = await GetAsync($"stacks/{Failing}");
        var (_, behind) = await GetAsync($"stacks/{Behind}");
        var (_, synced) = await GetAsync($"stacks/{Synced}");

        Assert.Contains("Circuit open after 3 failed applies (last: convergence timed out: 0 of 2 tasks running)", failing);
        Assert.Contains("autoSync is off", behind);
        Assert.Contains("The agent is acting", synced);
    }

    [Fact]
    public async Task The_apply_history_shows_each_apply_s_images_before_and_after_and_how_long_it_took()
    {
        var (_, html) = await GetAsync($"stacks/{Held}");

        // Each image cut to tag and digest as a human compares them, the whole reference in the title.
        Assert.Contains($"<code class=\"image\" title=\"{Image("web", GoodTag)}\">{GoodTag}@sha256:bbbbbbbbbbbb…</code> → " +
            $"<code class=\"image\" title=\"{Image("web", BadTag)}\">{BadTag}@sha256:cccccccccccc…</code>", WebUtility.HtmlDecode(html));
        Assert.Contains("<span class=\"badge s-succeeded\">succeeded</span>", html);
        Assert.Contains("<td data-label=\"Took\">42 s</td>", html);
    }

    [Fact]
    public async Task The_timeline_lists_the_stack_s_events_newest_first_and_links_only_http()
    {
        var (_, held) = await GetAsync($"stacks/{Held}");
        var (_, hostile) = await GetAsync("stacks/" + Uri.EscapeDataString(HostileStack));

        var kinds = Regex.Matches(held, "<span class=\"kind\">([a-z-]+)</span>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["write-back-pull-request", "stabilization-started", "emergency-rollback", "apply-succeeded", "apply-started"], kinds);
        Assert.Contains($"<a href=\"{PullRequest}\">{PullRequest}</a>", held);
        Assert.Contains("event&lt;script&gt;", hostile);
        Assert.DoesNotContain("javascript:", hostile);
    }

    [Fact]
    public async Task A_standby_says_it_does_not_act()
    {
        await using var standby = await StatusPageHost.StartAsync(Status(), leader: false);
        using var client = new HttpClient { BaseAddress = standby.Address };

        var html = await client.GetStringAsync($"stacks/{Synced}");

        Assert.Contains("This instance is a standby", html);
        // Without PublicUrl the commands go to the address the page was read from.
        Assert.Contains($"{standby.Address}api/v1/stacks/{Synced}/hold", html);
        Assert.DoesNotContain("var-stack", html);
    }

    [Fact]
    public async Task Problems_that_concern_every_stack_are_banners_on_the_overview()
    {
        var status = Status() with
        {
            DesiredProblem = new(Sprocket.Reconciler.Reconcile.DesiredStateProblemKind.Invalid, "stacks[0].imageTag: 'latest' is a mutable tag", "9f9f9f9f", Now.AddMinutes(-2)),
            DockerProblem = "Docker engine unreachable: Connection refused (/var/run/docker.sock)",
        };
        await using var host = await StatusPageHost.StartAsync(status);
        using var client = new HttpClient { BaseAddress = host.Address };

        var html = WebUtility.HtmlDecode(await client.GetStringAsync(""));

        Assert.Contains("Desired state invalid.</strong> stacks[0].imageTag: 'latest' is a mutable tag (revision 9f9f9f9f). Revision 675b2e175d4e stays in force.", html);
        Assert.Contains("2026-11-30T03:10:00Z", html);
        Assert.Contains("Live state not observed.</strong> Docker engine unreachable: Connection refused (/var/run/docker.sock). Nothing is applied", html);
    }

    [Fact]
    public async Task Before_the_first_desired_state_the_overview_says_so()
    {
        await using var host = await StatusPageHost.StartAsync(Sprocket.Reconciler.Reconcile.ReconcilerStatus.Empty);
        using var client = new HttpClient { BaseAddress = host.Address };

        var html = await client.GetStringAsync("");

        Assert.Contains("Desired state not loaded yet", html);
        Assert.Contains("No stacks yet", html);
    }

    private async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
