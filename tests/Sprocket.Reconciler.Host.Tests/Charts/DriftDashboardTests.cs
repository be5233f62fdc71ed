using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Telemetry;
using YamlDotNet.RepresentationModel;

namespace Sprocket.Reconciler.Host.Tests.Charts;

/// <summary>
/// The Grafana drift dashboard and its provisioning, read as Grafana would import them: the JSON model's shape
/// (Grafana's classic dashboard model: <c>__inputs</c>, <c>templating</c>, <c>panels</c> with <c>gridPos</c>), and every
/// metric of ours a query names exists in the metric name classes. The queries themselves run against a real
/// Prometheus in the integration tests (<c>Charts/DriftDashboardScenarioTests</c>).
/// </summary>
public sealed partial class DriftDashboardTests
{
    public static readonly string DashboardPath = Path.Combine(RepositoryRoot.Path, "charts", "grafana", "dashboards", "sprocket-reconciler-drift.json");

    private static readonly JsonObject Dashboard = JsonNode.Parse(File.ReadAllText(DashboardPath))!.AsObject();

    private static IEnumerable<JsonObject> Panels => Dashboard["panels"]!.AsArray().Select(p => p!.AsObject());

    private static IEnumerable<JsonObject> QueryPanels => Panels.Where(p => (string?)p["type"] != "row");

    private static IEnumerable<(string Panel, string Expr)> Exprs =>
        QueryPanels.SelectMany(p => p["targets"]!.AsArray().Select(t => ((string)p["title"]!, (string)t!["expr"]!)));

    [Fact]
    public void It_is_importable_with_a_prometheus_datasource_input_and_variable()
    {
        var input = Assert.Single(Dashboard["__inputs"]!.AsArray())!;
        Assert.Equal(("datasource", "prometheus"), ((string?)input["type"], (string?)input["pluginId"]));
        Assert.Null(Dashboard["id"]);
        Assert.Equal("sprocket-reconciler-drift", (string?)Dashboard["uid"]);

        var variables = Dashboard["templating"]!["list"]!.AsArray().ToDictionary(v => (string)v!["name"]!, v => v!.AsObject());
        Assert.Equal(("datasource", "prometheus"), ((string?)variables["datasource"]["type"], (string?)variables["datasource"]["query"]));
        Assert.Equal("${" + (string)input["name"]! + "}", (string?)variables["datasource"]["current"]!["value"]);
        foreach (var (name, metric) in new[] { ("stack", MetricNames.StackStatus), ("service", MetricNames.ServiceImageInfo), ("instance", MetricNames.Leader) })
        {
            var variable = variables[name];
            Assert.Equal("query", (string?)variable["type"]);
            Assert.Equal("${datasource}", (string?)variable["datasource"]!["uid"]);
            Assert.StartsWith($"label_values({metric}", (string?)variable["definition"], StringComparison.Ordinal);
            Assert.Equal((string?)variable["definition"], (string?)variable["query"]!["query"]);
        }
    }

    [Fact]
    public void Every_panel_queries_the_datasource_variable_and_every_variable_used_exists()
    {
        var variables = Dashboard["templating"]!["list"]!.AsArray().Select(v => (string)v!["name"]!).ToHashSet();
        Assert.NotEmpty(QueryPanels);
        foreach (var panel in QueryPanels)
        {
            var title = (string)panel["title"]!;
            Assert.True((string?)panel["datasource"]?["uid"] == "${datasource}", $"panel '{title}' does not use ${{datasource}}");
            var targets = panel["targets"]!.AsArray();
            Assert.True(targets.Count > 0, $"panel '{title}' has no query");
            foreach (var target in targets)
            {
                Assert.True((string?)target!["datasource"]?["uid"] == "${datasource}", $"a query of '{title}' does not use ${{datasource}}");
                Assert.False(string.IsNullOrWhiteSpace((string?)target["expr"]), $"a query of '{title}' is empty");
            }
        }

        foreach (var (panel, expr) in Exprs)
            foreach (Match used in VariableReference().Matches(expr))
                Assert.True(used.Groups[1].Value.StartsWith("__", StringComparison.Ordinal) || variables.Contains(used.Groups[1].Value),
                    $"'{panel}' uses ${used.Groups[1].Value}, which is not a dashboard variable");
    }

    [Fact]
    public void Every_sprocket_metric_a_query_names_is_one_the_agent_exports()
    {
        var known = typeof(MetricNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(NotifyMetricNames).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Where(n => n.StartsWith("sprocket_reconciler_", StringComparison.Ordinal)).ToHashSet();
        var named = Exprs.SelectMany(e => SprocketMetric().Matches(e.Expr).Select(m => (e.Panel, Name: m.Value))).ToList();
        Assert.NotEmpty(named);
        foreach (var (panel, name) in named)
        {
            // A histogram is scraped as _bucket, _count and _sum series of its name.
            var base_ = HistogramSuffix().Replace(name, "");
            Assert.True(known.Contains(name) || known.Contains(base_), $"'{panel}' queries {name}, which no metric name class declares");
        }

        // Each of the issue's subjects has a panel, by the metric it reads.
        foreach (var required in new[]
        {
            MetricNames.StackStatus, MetricNames.ServiceDrift, MetricNames.ServiceImageInfo, MetricNames.EmergencyRollbacks,
            MetricNames.ApplyDuration, MetricNames.LastSuccessfulSync, MetricNames.DesiredRevisionInfo,
            MetricNames.DesiredStateFetchFailures, MetricNames.DesiredStateRejected, NotifyMetricNames.NotificationFailures, MetricNames.Leader,
        })
            Assert.Contains(named, n => n.Name.StartsWith(required, StringComparison.Ordinal));
    }

    [Fact]
    public void Panels_of_one_view_per_stack_read_the_acting_leader_or_every_instance_while_none_leads()
    {
        // A standby's status and holds come from its own database; without a leader (a single agent on a follower
        // manager, a failover) the leader's rows alone would be nothing at all.
        const string acting = "and on (instance) (sprocket_reconciler_leader == 1 or on (instance) (sprocket_reconciler_leader unless on () (sprocket_reconciler_leader == 1)))";
        foreach (var (title, refId) in new[] { ("Stack status over time", "A"), ("Drifted services now", "A"), ("Emergency rollbacks and holds", "B") })
        {
            var expr = Expr(title, refId);
            Assert.True(Normalized(expr).Contains(acting, StringComparison.Ordinal), $"'{title}' {refId} does not read the acting instance: {expr}");
        }
    }

    [Fact]
    public void Applies_by_outcome_counts_a_new_series_by_its_value_before_increase_of_it()
    {
        // `or` keeps its left side wherever labels match: with increase() on the left, a series that appeared at 1
        // reads about 0 as soon as it has two samples in the interval, and its value on the right is dropped.
        const string count = "sprocket_reconciler_apply_duration_seconds_count{stack=~\"$stack\"}";
        var expected = $"sum by (stack, engine, outcome) ( ({count} unless {count} offset $__rate_interval) or increase({count}[$__rate_interval]) )";
        Assert.Equal(expected, Normalized(Expr("Applies by outcome", "A")));
    }

    [Fact]
    public void The_gatus_row_selects_the_agents_endpoint_by_name_and_the_stacks_own_checks_by_group()
    {
        foreach (var title in new[] { "Gatus: endpoint success", "Gatus: results by success", "Gatus: check duration" })
        {
            var expr = Expr(title, "A");
            Assert.Contains("{name=~\"$stack\"}", expr, StringComparison.Ordinal);
            Assert.Contains("{group=~\"$stack\"}", expr, StringComparison.Ordinal);
        }
        // Gatus publishes result codes only for results with an HTTP status: never for an external endpoint.
        var codes = Expr("Gatus: HTTP result codes of the stack's own checks", "A");
        Assert.Contains("gatus_results_code_total{group=~\"$stack\"}", codes, StringComparison.Ordinal);
        Assert.DoesNotContain("name=~", codes, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gatus_example_puts_each_stacks_own_checks_in_a_group_named_after_a_stack_it_pushes()
    {
        var config = Yaml(Path.Combine(RepositoryRoot.Path, "charts", "gatus", "config.yaml"));
        var stacks = Mapping(config, "external-endpoints").Cast<YamlMappingNode>().Select(e => Scalar(e, "name")).ToHashSet(StringComparer.Ordinal);
        var checks = Mapping(config, "endpoints").Cast<YamlMappingNode>().ToList();
        Assert.NotEmpty(checks);
        foreach (var check in checks)
            Assert.True(stacks.Contains(Scalar(check, "group")),
                $"Gatus check '{Scalar(check, "name")}' is in group '{Scalar(check, "group")}', which is no stack of the example ({string.Join(", ", stacks)}): the dashboard's Gatus row would not show it");
    }

    private static string Expr(string title, string refId) =>
        TargetExprs.Single(e => e.Panel == title && e.RefId == refId).Expr;

    private static IEnumerable<(string Panel, string RefId, string Expr)> TargetExprs =>
        QueryPanels.SelectMany(p => p["targets"]!.AsArray().Select(t => ((string)p["title"]!, (string)t!["refId"]!, (string)t["expr"]!)));

    private static string Normalized(string expr) => Whitespace().Replace(expr, " ");

    [Fact]
    public void Panel_ids_are_unique_and_every_panel_fits_the_24_column_grid()
    {
        var ids = Panels.Select(p => (int)p["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var panel in Panels)
        {
            var grid = panel["gridPos"]!;
            var (x, w, h, y) = ((int)grid["x"]!, (int)grid["w"]!, (int)grid["h"]!, (int)grid["y"]!);
            Assert.True(x >= 0 && w > 0 && x + w <= 24 && h > 0 && y >= 0, $"panel '{panel["title"]}' at x={x} w={w} leaves the 24 columns");
        }

        // No two panels overlap (Grafana would push one down, and the layout would not be the one reviewed).
        var cells = new HashSet<(int, int)>();
        foreach (var panel in Panels)
        {
            var grid = panel["gridPos"]!;
            for (var col = (int)grid["x"]!; col < (int)grid["x"]! + (int)grid["w"]!; col++)
                for (var line = (int)grid["y"]!; line < (int)grid["y"]! + (int)grid["h"]!; line++)
                    Assert.True(cells.Add((col, line)), $"panel '{panel["title"]}' overlaps another at column {col}, row {line}");
        }
    }

    [Fact]
    public void Annotations_come_from_the_agents_grafana_tags()
    {
        var families = new[] { "deploy", NotificationKind.EmergencyRollback, NotificationKind.Hold, NotificationKind.Realign, NotificationKind.Drift, NotificationKind.Synced };
        Assert.All(families, family => Assert.Equal(family, NotificationKind.EventOf(family)));
        var byTags = Dashboard["annotations"]!["list"]!.AsArray().Select(a => a!.AsObject())
            .Where(a => (string?)a["target"]?["type"] == "tags").ToList();
        foreach (var annotation in byTags)
        {
            Assert.Equal(("datasource", "grafana"), ((string?)annotation["datasource"]!["type"], (string?)annotation["datasource"]!["uid"]));
            Assert.False((bool)annotation["target"]!["matchAny"]!);
        }

        var tagSets = byTags.Select(a => a["target"]!["tags"]!.AsArray().Select(t => (string)t!).ToArray()).ToList();
        foreach (var family in families)
            Assert.Contains(tagSets, tags => tags.SequenceEqual([GrafanaAnnotation.ProductTag, "$stack", family]));
    }

    [Fact]
    public void Provisioning_points_grafana_at_the_dashboards_folder_and_a_prometheus_datasource()
    {
        var provisioning = Path.Combine(RepositoryRoot.Path, "charts", "grafana", "provisioning");
        var datasource = Assert.Single(Mapping(Yaml(Path.Combine(provisioning, "datasources", "sprocket-prometheus.yml")), "datasources").Cast<YamlMappingNode>());
        Assert.Equal("prometheus", Scalar(datasource, "type"));
        Assert.Equal("proxy", Scalar(datasource, "access"));

        var providers = Yaml(Path.Combine(provisioning, "dashboards", "sprocket.yml"));
        Assert.Equal("1", Scalar(providers, "apiVersion"));
        var provider = Assert.Single(Mapping(providers, "providers").Cast<YamlMappingNode>());
        Assert.Equal("file", Scalar(provider, "type"));
        var path = Scalar((YamlMappingNode)provider.Children[new YamlScalarNode("options")], "path");
        Assert.StartsWith("/", path, StringComparison.Ordinal);
        // The README tells to mount the repository's dashboards folder exactly there.
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        Assert.Contains($"charts/grafana/dashboards:{path}", readme, StringComparison.Ordinal);
        Assert.True(File.Exists(DashboardPath));
    }

    private static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlSequenceNode Mapping(YamlMappingNode node, string key) => (YamlSequenceNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"sprocket_reconciler_[a-z0-9_]+")]
    private static partial Regex SprocketMetric();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSuffix();
}
