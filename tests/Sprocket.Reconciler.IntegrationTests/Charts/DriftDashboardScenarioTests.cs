using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>
/// The drift dashboard and the alert rules against a real Prometheus scraping a real daemon through a real
/// emergency rollback (<see cref="DriftDashboardScenario"/>): every panel's every query returns series over the story,
/// the series say what happened, <c>SprocketEmergencyRollback</c> fires during the hold and clears after realignment,
/// and <c>promtool check metrics</c> has nothing to say about the scrape. The panels are rendered from the answers
/// (HTML and SVG) and screenshotted with headless Chromium into <c>artifacts/drift-dashboard/</c> beside the test binary.
/// </summary>
public sealed class DriftDashboardScenarioTests(DriftDashboardScenario scenario, ITestOutputHelper output) : IClassFixture<DriftDashboardScenario>
{
    private string Context => $"story ({scenario.Duration.TotalSeconds:0} s):\n{string.Join('\n', scenario.Timeline)}";

    [Fact]
    public void Every_panel_query_returns_series_over_the_rollback_story()
    {
        Assert.NotEmpty(scenario.Results);
        var empty = scenario.Results.Where(r => r.Series.Count == 0).Select(r => $"'{r.Panel.Title}' {r.Target.RefId}: {r.Query}").ToList();
        Assert.True(empty.Count == 0, $"{empty.Count} of {scenario.Results.Count} panel queries returned no series:\n{string.Join('\n', empty)}\n{Context}");
        output.WriteLine($"{scenario.Results.Count} queries of {scenario.Results.Select(r => r.Panel.Id).Distinct().Count()} panels over "
            + $"{(scenario.WindowEnd - scenario.WindowStart).TotalSeconds:0} s; story {scenario.Duration.TotalSeconds:0} s\n{Context}");
    }

    [Fact]
    public void The_panels_show_the_hold_the_drift_and_the_gatus_checks_of_the_story()
    {
        // Stack status: held (4 in the timeline's weights) during the story, synced (1) at its end.
        var status = Assert.Single(Series("Stack status over time"));
        Assert.Contains(status.Samples, s => s.Value == 4);
        Assert.Equal(1, status.Samples[^1].Value);

        // Drifted services: the service, rolled back from ccc to bbb, with both digests.
        var drift = Assert.Single(Series("Drifted services now"), s => s.Label("reason") == "emergency-rollback");
        Assert.Equal((scenario.Story.Service, GitCcc, GitBbb), (drift.Label("service"), drift.Label("desired_tag"), drift.Label("live_tag")));
        Assert.Equal((scenario.CcDigest, scenario.BbbDigest), (drift.Label("desired_digest"), drift.Label("live_digest")));

        Assert.Contains(Series("Emergency rollbacks and holds", "B"), s => s.Samples.Any(p => p.Value == 1));

        // Each event of the story shows as a value above 0 on its panel, not only as a series: a counter series that
        // first appears at 1 gives increase() nothing, and the panel would stay at 0 through the event.
        AssertShows("Emergency rollbacks and holds", "A", s => s.Label("service") == scenario.Story.Service, "the rollback");
        AssertShows("Reconciles and realignments", "B", s => s.Label("outcome") == "commit", "the write-back commit");
        AssertShows("Reconciles and realignments", "B", s => s.Label("outcome") == "aligned", "the align after the write-back");
        AssertShows("Applies by outcome", "A", s => s.Label("outcome") == "succeeded", "the deploy of " + GitCcc);
        // The apply histogram cannot start at 0: its first value must show from the series' first step on, not only
        // at the one step where the series has a single sample in the interval (then increase() of it reads about 0).
        var applies = Series("Applies by outcome").Where(s => s.Label("outcome") == "succeeded").ToList();
        Assert.True(applies.Any(s => s.Samples.Take(5).Count(p => p.Value > 0) == 5),
            $"'Applies by outcome' does not show the deploy of {GitCcc} at its first 5 steps: {string.Join("; ", applies.Select(s => $"{s} first {string.Join(' ', s.Samples.Take(5).Select(p => p.Value))}"))}\n{Context}");
        AssertShows("Desired-state fetch failures", "A", s => s.Label("reason") == "unreachable", "the repository out of reach");
        AssertShows("Desired-state rejections", "A", _ => true, "the invalid revision");
        AssertShows("Notifications: failed and delivered", "A", s => s.Label("notifier") == "grafana", "the refused annotation");
        AssertShows("Notifications: failed and delivered", "B", s => s.Label("notifier") == "gatus", "the results pushed to Gatus");

        // Gatus: the stack's own check (in the group named after the stack) failed while it was held and passed again;
        // the agent's external endpoint (named after the stack) got results; the own check's HTTP codes show.
        var check = Assert.Single(Series("Gatus: endpoint success"), s => s.Label("group") == scenario.Story.Name);
        Assert.Equal(scenario.OwnCheckName, check.Label("name"));
        Assert.Contains(check.Samples, s => s.Value == 0);
        Assert.Equal(1, check.Samples[^1].Value);
        Assert.Contains(Series("Gatus: endpoint success"), s => s.Label("name") == scenario.Story.Name && s.Label("type") == "UNKNOWN");
        AssertShows("Gatus: HTTP result codes of the stack's own checks", "A", s => s.Label("name") == scenario.OwnCheckName, "the own check's answers");

        // The agent's Grafana annotations of the story carry the tags the dashboard filters on.
        Assert.Contains(scenario.StandIns.Annotations, a => a.Tags.Take(2).SequenceEqual(["sprocket-reconciler", scenario.Story.Name])
            && a.Tags.Contains("emergency-rollback"));

        var page = DashboardPage.Write(scenario);
        output.WriteLine($"rendered: {page.Html}; screenshot: {page.Png ?? "none (" + page.Problem + ")"}");
    }

    [Fact]
    public void SprocketEmergencyRollback_fires_during_the_hold_and_clears_after_realignment()
    {
        Assert.True(scenario.AlertProblem is null, $"{scenario.AlertProblem}\n{Context}");
        Assert.NotNull(scenario.AlertFiredAfterHold);
        Assert.NotNull(scenario.AlertClearedAfterSync);
        output.WriteLine($"{DriftDashboardScenario.EmergencyRollbackAlert}: firing {scenario.AlertFiredAfterHold!.Value.TotalSeconds:0.0} s after the hold, "
            + $"resolved {scenario.AlertClearedAfterSync!.Value.TotalSeconds:0.0} s after synced");
    }

    [Fact]
    public void The_real_daemon_exports_counters_at_0_before_their_first_event()
    {
        // Outcomes, reasons and kinds the story never produced: present at 0 all the same, so their first event is an increase.
        var scrape = PrometheusText.Parse(scenario.MetricsBody);
        var stack = scenario.Story.Name;
        Assert.Equal(0, scrape.Value("sprocket_reconciler_realignments_total", ("stack", stack), ("outcome", "pull-request")));
        Assert.Equal(0, scrape.Value("sprocket_reconciler_desired_state_fetch_failures_total", ("reason", "auth")));
        Assert.Equal(0, scrape.Value("sprocket_reconciler_notification_failures_total", ("notifier", "gatus"), ("kind", "synced")));
    }

    [Fact]
    public async Task Promtool_check_metrics_finds_nothing()
    {
        Assert.Contains("sprocket_reconciler_stack_status", scenario.MetricsBody, StringComparison.Ordinal);
        var result = await global::CliWrap.Cli.Wrap("/usr/bin/promtool").WithArguments(["check", "metrics"])
            .WithStandardInputPipe(PipeSource.FromString(scenario.MetricsBody))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        // promtool exits 1 when the text does not parse and 3 when it parses with lint problems.
        Assert.True(result.ExitCode is 0 or 3, $"promtool check metrics exited {result.ExitCode}:\n{result.StandardOutput}{result.StandardError}");
        var problems = (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(result.ExitCode == 0 && problems.Length == 0, "promtool check metrics:\n" + string.Join('\n', problems));
        output.WriteLine($"/metrics: {scenario.MetricsBody.Length.ToString(CultureInfo.InvariantCulture)} bytes; promtool: "
            + (problems.Length == 0 ? "clean" : string.Join("; ", problems)));
    }

    /// <summary>Some series of the panel query matching <paramref name="which"/> is above 0 at some step of the story.</summary>
    private void AssertShows(string title, string refId, Func<PromSeries, bool> which, string what)
    {
        var series = Series(title, refId).Where(which).ToList();
        Assert.True(series.Count > 0, $"'{title}' {refId} has no series for {what}\n{Context}");
        Assert.True(series.Any(s => s.Samples.Any(p => p.Value > 0)),
            $"'{title}' {refId} stays at 0 through {what}: {string.Join("; ", series.Select(s => $"{s} max {s.Samples.Max(p => p.Value)}"))}\n{Context}");
    }

    private IReadOnlyList<PromSeries> Series(string title, string refId = "A") =>
        scenario.Results.Single(r => r.Panel.Title == title && r.Target.RefId == refId).Series;
}
