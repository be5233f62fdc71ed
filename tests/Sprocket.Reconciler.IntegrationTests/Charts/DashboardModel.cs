using System.Text.Json.Nodes;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>One query of a dashboard panel: its PromQL as written and the legend template.</summary>
internal sealed record PanelTarget(string RefId, string Expr, string Legend);

/// <summary>A dashboard panel as far as rendering and querying need: type, title, unit, value mappings, queries.</summary>
internal sealed record DashboardPanel(
    int Id, string Type, string Title, string Row, string? Unit, IReadOnlyDictionary<string, string> ValueTexts,
    IReadOnlyDictionary<string, string> ValueColors, IReadOnlyList<PanelTarget> Targets, int Width, int Height);

/// <summary>The drift dashboard's panels read from its JSON model, and Grafana's variable substitution for a query.</summary>
internal static class DashboardModel
{
    public static IReadOnlyList<DashboardPanel> Load(string path)
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var panels = new List<DashboardPanel>();
        var row = "";
        foreach (var node in dashboard["panels"]!.AsArray())
        {
            var panel = node!.AsObject();
            var type = (string)panel["type"]!;
            if (type == "row")
            {
                row = (string)panel["title"]!;
                continue;
            }

            var defaults = panel["fieldConfig"]?["defaults"];
            var texts = new Dictionary<string, string>(StringComparer.Ordinal);
            var colors = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var mapping in defaults?["mappings"]?.AsArray() ?? [])
                foreach (var (value, shown) in mapping!["options"]!.AsObject())
                {
                    texts[value] = (string)shown!["text"]!;
                    colors[value] = (string)shown["color"]!;
                }

            var targets = panel["targets"]!.AsArray()
                .Select(t => new PanelTarget((string)t!["refId"]!, (string)t["expr"]!, (string?)t["legendFormat"] ?? "")).ToList();
            panels.Add(new DashboardPanel((int)panel["id"]!, type, (string)panel["title"]!, row, (string?)defaults?["unit"], texts, colors, targets,
                (int)panel["gridPos"]!["w"]!, (int)panel["gridPos"]!["h"]!));
        }

        return panels;
    }

    /// <summary>
    /// The query Grafana would send: dashboard variables replaced by the selected values, and Grafana's own
    /// <c>$__rate_interval</c>, <c>$__interval</c> and <c>$__range</c> by what they are for this window.
    /// </summary>
    public static string Substitute(string expr, IReadOnlyDictionary<string, string> variables, TimeSpan window)
    {
        var result = expr
            .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
            .Replace("$__interval", "1s", StringComparison.Ordinal)
            .Replace("$__range", $"{(int)Math.Ceiling(window.TotalSeconds)}s", StringComparison.Ordinal);
        // Longest names first, so that $service is not read as $s followed by "ervice".
        foreach (var (name, value) in variables.OrderByDescending(v => v.Key.Length))
            result = result.Replace("${" + name + "}", value, StringComparison.Ordinal).Replace("$" + name, value, StringComparison.Ordinal);
        return result;
    }

    /// <summary>A legend as Grafana renders <c>{{label}}</c> templates.</summary>
    public static string Legend(string template, PromSeries series)
    {
        if (string.IsNullOrEmpty(template)) return string.Join(", ", series.Labels.Where(l => l.Key != "__name__").Select(l => $"{l.Key}={l.Value}"));
        var text = template;
        foreach (var (key, value) in series.Labels) text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(text, @"\{\{[^}]*\}\}", "");
    }
}
