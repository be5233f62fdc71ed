using System.Reflection;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>
/// charts/prometheus as Prometheus itself reads it: the real promtool (Debian's prometheus package, installed by
/// tests/env/swarm.sh) checks the rules and the scrape configuration and runs the rules' unit tests. Beside it, what
/// promtool cannot know: every metric the rules name is one the agent exports, and every runbook link lands on a
/// README section.
/// </summary>
public sealed partial class PrometheusRulesTests
{
    private static readonly string Root = PulumiTestPaths.RepositoryRoot;
    private static readonly string Rules = Path.Combine("charts", "prometheus", "rules", "sprocket-reconciler.rules.yml");
    private static readonly string RuleTests = Path.Combine("charts", "prometheus", "rules", "sprocket-reconciler.rules.test.yml");
    private static readonly string ScrapeConfig = Path.Combine("charts", "prometheus", "prometheus.yml");

    [Fact]
    public async Task Promtool_finds_the_rules_valid()
    {
        var output = await PromtoolAsync("check", "rules", Rules);

        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_passes_the_rules_unit_tests()
    {
        var output = await PromtoolAsync("test", "rules", RuleTests);

        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_finds_the_scrape_configuration_and_the_rules_it_loads_valid()
    {
        var output = await PromtoolAsync("check", "config", ScrapeConfig);

        Assert.Contains("1 rule files found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_metric_the_rules_and_their_tests_name_is_exported_by_the_agent()
    {
        var exported = new[] { typeof(MetricNames), typeof(NotifyMetricNames) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.GetRawConstantValue() is string)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var file in new[] { Rules, RuleTests })
        {
            var named = MetricName().Matches(File.ReadAllText(Path.Combine(Root, file))).Select(m => m.Value).Distinct().ToList();
            Assert.NotEmpty(named);
            var unknown = named.Where(name => !exported.Contains(name) && !exported.Contains(HistogramSuffix().Replace(name, ""))).ToList();
            Assert.True(unknown.Count == 0, $"{file} names metrics the agent does not export: {string.Join(", ", unknown)}");
        }
    }

    [Fact]
    public void Every_alert_links_its_own_runbook_section_in_the_readme()
    {
        var rules = File.ReadAllText(Path.Combine(Root, Rules));
        var anchors = File.ReadAllLines(Path.Combine(Root, "README.md"))
            .Where(line => line.StartsWith('#'))
            .Select(line => GitHubAnchor(line.TrimStart('#').Trim()))
            .ToHashSet(StringComparer.Ordinal);

        var alerts = AlertRule().Matches(rules).Select(m => (Name: m.Groups["name"].Value, Link: m.Groups["anchor"].Value)).ToList();

        Assert.True(alerts.Count >= 10, $"expected every alert with a runbook_url; found {alerts.Count}");
        Assert.Equal(alerts.Count, Regex.Matches(rules, @"^\s*- alert:", RegexOptions.Multiline).Count);
        foreach (var (name, link) in alerts)
        {
            Assert.Equal("runbook-" + name.ToLowerInvariant(), link);
            Assert.True(anchors.Contains(link), $"README.md has no heading with the anchor #{link} ({name}'s runbook_url)");
        }
    }

    [Theory]
    [InlineData("Runbook: SprocketEmergencyRollback", "runbook-sprocketemergencyrollback")]
    [InlineData("Realigning after an emergency rollback (`onEmergencyRollback: realign`)", "realigning-after-an-emergency-rollback-onemergencyrollback-realign")]
    [InlineData("Set up on a fresh Debian 12 machine", "set-up-on-a-fresh-debian-12-machine")]
    public void Anchors_are_computed_as_GitHub_renders_them(string heading, string anchor) =>
        Assert.Equal(anchor, GitHubAnchor(heading));

    /// <summary>GitHub's heading anchor: lower case, punctuation other than '-' and '_' dropped, each space a '-'.</summary>
    private static string GitHubAnchor(string heading) =>
        string.Concat(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');

    private static async Task<string> PromtoolAsync(params string[] arguments)
    {
        var result = await global::CliWrap.Cli.Wrap("promtool")
            .WithArguments(arguments)
            .WithWorkingDirectory(Root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        var output = result.StandardOutput + result.StandardError;
        Assert.True(result.ExitCode == 0, $"promtool {string.Join(' ', arguments)} exited {result.ExitCode}:\n{output}");
        return output;
    }

    [GeneratedRegex(@"\bsprocket_reconciler_[a-z0-9_]*[a-z0-9]")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSuffix();

    [GeneratedRegex(@"- alert: (?<name>\w+)\n(?:(?!\s*- alert:).*\n)*?\s*runbook_url: ""[^""#]*#(?<anchor>[^""]+)""")]
    private static partial Regex AlertRule();
}
