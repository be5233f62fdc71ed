using System.Globalization;
using System.Net;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>
/// The drift dashboard's panels drawn from the story's real query answers, as a stand-alone HTML page of inline SVG
/// (a Grafana server cannot run here), with the agent's Grafana annotations as vertical marks; then a screenshot of the
/// page with headless Chromium (Debian's <c>chromium</c>). Only what the picture needs: lines, state bands, tables.
/// </summary>
internal static class DashboardPage
{
    public const string Chromium = "/usr/bin/chromium";
    private const int PageWidth = 1400;
    private const int RowUnit = 26;

    private static readonly string[] Palette =
        ["#7eb26d", "#eab839", "#6ed0e0", "#ef843c", "#e24d42", "#1f78c1", "#ba43a9", "#705da0", "#508642", "#cca300"];

    private static readonly Dictionary<string, string> Named = new(StringComparer.Ordinal)
    {
        ["green"] = "#56a64b", ["blue"] = "#3274d9", ["orange"] = "#ff9830", ["purple"] = "#a352cc", ["yellow"] = "#f2cc0c",
        ["red"] = "#e02f44", ["dark-red"] = "#ad0317", ["dark-green"] = "#37872d", ["grey"] = "#8e8e8e",
    };

    private static readonly Dictionary<string, string> AnnotationColors = new(StringComparer.Ordinal)
    {
        ["deploy"] = "#3274d9", ["emergency-rollback"] = "#e02f44", ["hold"] = "#a352cc", ["realign"] = "#56a64b",
        ["drift"] = "#ff9830", ["synced"] = "#37872d",
    };

    public static (string Html, string? Png, string? Problem) Write(DriftDashboardScenario scenario)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts", "drift-dashboard");
        Directory.CreateDirectory(folder);
        var html = Path.Combine(folder, "index.html");
        var (page, height) = Render(scenario);
        File.WriteAllText(html, page);
        var png = Path.Combine(folder, "drift-dashboard.png");
        var problem = Screenshot(html, png, height);
        return (html, problem is null ? png : null, problem);
    }

    private static string? Screenshot(string html, string png, int height)
    {
        if (!File.Exists(Chromium)) return $"{Chromium} is not installed";
        var profile = Directory.CreateTempSubdirectory("sprocket-chromium-").FullName;
        try
        {
            File.Delete(png);
            var result = global::CliWrap.Cli.Wrap(Chromium).WithArguments(
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", "--hide-scrollbars",
                    $"--screenshot={png}", $"--window-size={PageWidth},{height}", new Uri(html).AbsoluteUri,
                ])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token).GetAwaiter().GetResult();
            return File.Exists(png) ? null : $"chromium exited {result.ExitCode} without a screenshot: {result.StandardError}";
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static (string Page, int Height) Render(DriftDashboardScenario scenario)
    {
        var start = scenario.WindowStart;
        var end = scenario.WindowEnd;
        var annotations = scenario.StandIns.Annotations
            .Where(a => a.At >= start && a.At <= end && a.Tags.Contains(scenario.Story.Name))
            .Select(a => (a.At, Family: a.Tags.FirstOrDefault(AnnotationColors.ContainsKey) ?? "deploy", a.Text)).ToList();
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Sprocket Reconciler: drift</title><style>")
            .Append("body{margin:0;background:#111217;color:#ccccdc;font:12px/1.3 'DejaVu Sans',sans-serif}")
            .Append("header{padding:10px 14px;border-bottom:1px solid #2a2d35}h1{font-size:16px;margin:0 0 4px}")
            .Append(".vars span{background:#22252b;border:1px solid #2f3238;padding:2px 6px;margin-right:6px}")
            .Append(".grid{display:grid;grid-template-columns:repeat(24,1fr);gap:6px;padding:6px 8px}")
            .Append(".row{grid-column:span 24;font-weight:bold;font-size:13px;padding:6px 2px 0;color:#d8d9da}")
            .Append(".panel{box-sizing:border-box;background:#181b1f;border:1px solid #2a2d35;border-radius:2px;padding:4px 6px;overflow:hidden}")
            .Append(".panel h2{font-size:12px;margin:0 0 3px;color:#d8d9da}.legend{font-size:10px;color:#9fa7b3}")
            .Append(".legend i{display:inline-block;width:10px;height:3px;margin:0 3px 2px 8px;vertical-align:middle}")
            .Append("table{border-collapse:collapse;width:100%;font-size:10.5px}th,td{text-align:left;padding:2px 4px;border-bottom:1px solid #2a2d35;white-space:nowrap}")
            .Append("th{color:#6e9fff}.marks{font-size:10px;color:#9fa7b3;padding:0 14px 6px}.marks b{display:inline-block;width:8px;height:8px;margin:0 3px 0 10px}")
            .Append("</style></head><body><header><h1>Sprocket Reconciler: drift</h1><div class=\"vars\">");
        foreach (var (name, value) in scenario.Variables.Where(v => v.Key != "datasource"))
            html.Append(CultureInfo.InvariantCulture, $"<span>{Enc(name)} = {Enc(value)}</span>");
        html.Append(CultureInfo.InvariantCulture, $"<span>{start:HH:mm:ss} → {end:HH:mm:ss} UTC</span></div></header><div class=\"marks\">Annotations:");
        foreach (var family in annotations.Select(a => a.Family).Distinct())
            html.Append(CultureInfo.InvariantCulture, $"<b style=\"background:{AnnotationColors[family]}\"></b>{Enc(family)}");
        html.Append("</div><div class=\"grid\">");

        var height = 110;
        var rowHeights = new List<int>();
        var row = "";
        var used = 0;
        var rowMax = 0;
        foreach (var group in scenario.Results.GroupBy(r => r.Panel.Id))
        {
            var panel = group.First().Panel;
            if (panel.Row != row)
            {
                row = panel.Row;
                html.Append(CultureInfo.InvariantCulture, $"<div class=\"row\">{Enc(row)}</div>");
                height += rowMax + 30;
                used = 0;
                rowMax = 0;
            }

            var pixelsHigh = panel.Height * RowUnit;
            if (used + panel.Width > 24)
            {
                height += rowMax + 6;
                used = 0;
                rowMax = 0;
            }

            used += panel.Width;
            rowMax = Math.Max(rowMax, pixelsHigh);
            var pixelsWide = (PageWidth - 20) * panel.Width / 24 - 14;
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"panel\" style=\"grid-column:span {panel.Width};height:{pixelsHigh}px\"><h2>{Enc(panel.Title)}</h2>");
            var results = group.ToList();
            html.Append(panel.Type switch
            {
                "table" => Table(results),
                "state-timeline" => StateTimeline(results, start, end, pixelsWide, pixelsHigh - 24, annotations),
                _ => TimeSeries(results, start, end, pixelsWide, pixelsHigh - 44, annotations),
            });
            html.Append("</div>");
        }

        height += rowMax + 40;
        html.Append("</div></body></html>");
        return (html.ToString(), height);
    }

    private static string TimeSeries(List<PanelResult> results, DateTimeOffset start, DateTimeOffset end, int width, int height,
        List<(DateTimeOffset At, string Family, string Text)> annotations)
    {
        var lines = results.SelectMany(r => r.Series.Select(s => (Result: r, Series: s))).ToList();
        var values = lines.SelectMany(l => l.Series.Samples.Select(p => p.Value)).Where(double.IsFinite).ToList();
        var max = values.Count == 0 ? 1 : values.Max();
        var min = Math.Min(0, values.Count == 0 ? 0 : values.Min());
        if (max <= min) max = min + 1;
        const int left = 52;
        var plotWidth = width - left - 4;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var tick = 0; tick <= 3; tick++)
        {
            var value = min + (max - min) * tick / 3;
            var y = Y(value);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{width}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#2a2d35\"/>")
               .Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{y + 3:0.#}\" fill=\"#9fa7b3\" font-size=\"9\" text-anchor=\"end\">{Enc(Format(value, results[0].Panel.Unit))}</text>");
        }

        foreach (var (at, family, _) in annotations)
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(at):0.#}\" x2=\"{X(at):0.#}\" y1=\"0\" y2=\"{height - 12}\" stroke=\"{AnnotationColors[family]}\" stroke-dasharray=\"3,2\"/>");
        var index = 0;
        var legend = new StringBuilder("<div class=\"legend\">");
        foreach (var (result, series) in lines)
        {
            var color = Palette[index++ % Palette.Length];
            foreach (var segment in Segments(series.Samples))
            {
                var points = string.Join(' ', segment.Select(p => FormattableString.Invariant($"{X(p.At):0.#},{Y(p.Value):0.#}")));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points}\"/>");
            }

            if (index <= 6) legend.Append(CultureInfo.InvariantCulture, $"<i style=\"background:{color}\"></i>{Enc(DashboardModel.Legend(result.Target.Legend, series))}");
        }

        if (lines.Count > 6) legend.Append(CultureInfo.InvariantCulture, $" … {lines.Count - 6} more");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 1}\" fill=\"#9fa7b3\" font-size=\"9\">{start:HH:mm:ss}</text>")
           .Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 2}\" y=\"{height - 1}\" fill=\"#9fa7b3\" font-size=\"9\" text-anchor=\"end\">{end:HH:mm:ss}</text></svg>");
        return svg.Append(legend).Append("</div>").ToString();

        double X(DateTimeOffset at) => left + plotWidth * (at - start).TotalSeconds / Math.Max(1, (end - start).TotalSeconds);
        double Y(double value) => 4 + (height - 20) * (1 - (value - min) / (max - min));
    }

    private static string StateTimeline(List<PanelResult> results, DateTimeOffset start, DateTimeOffset end, int width, int height,
        List<(DateTimeOffset At, string Family, string Text)> annotations)
    {
        var panel = results[0].Panel;
        var series = results.SelectMany(r => r.Series.Select(s => (r.Target, Series: s))).ToList();
        const int left = 150;
        var band = Math.Min(28, (height - 14) / Math.Max(1, series.Count));
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < series.Count; i++)
        {
            var (target, s) = series[i];
            var top = i * band + 2;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + band / 2 + 3}\" fill=\"#ccccdc\" font-size=\"10\" text-anchor=\"end\">{Enc(Clip(DashboardModel.Legend(target.Legend, s), 26))}</text>");
            for (var j = 0; j < s.Samples.Count; j++)
            {
                var key = s.Samples[j].Value.ToString("0.###", CultureInfo.InvariantCulture);
                var color = panel.ValueColors.TryGetValue(key, out var named) ? Named.GetValueOrDefault(named, named) : "#8e8e8e";
                var from = X(s.Samples[j].At);
                var to = j + 1 < s.Samples.Count ? X(s.Samples[j + 1].At) : X(end);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{from:0.#}\" y=\"{top}\" width=\"{Math.Max(0.5, to - from) + 0.8:0.#}\" height=\"{band - 3}\" fill=\"{color}\"/>");
                if (j == 0 || s.Samples[j - 1].Value != s.Samples[j].Value)
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{from + 2:0.#}\" y=\"{top + band / 2 + 3}\" fill=\"#111\" font-size=\"10\">{Enc(panel.ValueTexts.GetValueOrDefault(key, key))}</text>");
            }
        }

        foreach (var (at, family, _) in annotations)
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(at):0.#}\" x2=\"{X(at):0.#}\" y1=\"0\" y2=\"{series.Count * band + 2}\" stroke=\"{AnnotationColors[family]}\" stroke-width=\"1.5\" stroke-dasharray=\"3,2\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 1}\" fill=\"#9fa7b3\" font-size=\"9\">{start:HH:mm:ss}</text>")
           .Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 2}\" y=\"{height - 1}\" fill=\"#9fa7b3\" font-size=\"9\" text-anchor=\"end\">{end:HH:mm:ss}</text></svg>");
        return svg.ToString();

        double X(DateTimeOffset at) => left + (width - left - 4) * (at - start).TotalSeconds / Math.Max(1, (end - start).TotalSeconds);
    }

    /// <summary>A table of every series seen over the window (an instant query at any moment of it would show a subset).</summary>
    private static string Table(List<PanelResult> results)
    {
        string[] hidden = ["__name__", "job", "otel_scope_name"];
        var series = results.SelectMany(r => r.Series).ToList();
        string[] first = ["stack", "service", "reason", "desired_tag", "live_tag", "desired_digest", "live_digest"];
        var columns = series.SelectMany(s => s.Labels.Keys).Where(k => !hidden.Contains(k)).Distinct()
            .OrderBy(k => Array.IndexOf(first, k) is var at && at >= 0 ? at : first.Length).ToList();
        var table = new StringBuilder("<table><tr>");
        foreach (var column in columns) table.Append(CultureInfo.InvariantCulture, $"<th>{Enc(column.Replace('_', ' '))}</th>");
        table.Append("<th>seen</th></tr>");
        foreach (var s in series)
        {
            table.Append("<tr>");
            foreach (var column in columns) table.Append(CultureInfo.InvariantCulture, $"<td>{Enc(Clip(s.Label(column), 40))}</td>");
            table.Append(CultureInfo.InvariantCulture, $"<td>{s.Samples[0].At:HH:mm:ss}–{s.Samples[^1].At:HH:mm:ss}</td></tr>");
        }

        return table.Append("</table>").ToString();
    }

    private static IEnumerable<List<(DateTimeOffset At, double Value)>> Segments(IReadOnlyList<(DateTimeOffset At, double Value)> samples)
    {
        var segment = new List<(DateTimeOffset, double)>();
        (DateTimeOffset At, double Value)? previous = null;
        foreach (var sample in samples)
        {
            // A missing step (no sample) or a NaN breaks the line, as Grafana draws gaps.
            if (!double.IsFinite(sample.Value) || (previous is { } p && sample.At - p.At > TimeSpan.FromSeconds(2.5)))
            {
                if (segment.Count > 0) yield return segment;
                segment = [];
            }

            if (double.IsFinite(sample.Value)) segment.Add(sample);
            previous = sample;
        }

        if (segment.Count > 0) yield return segment;
    }

    private static string Format(double value, string? unit) => unit switch
    {
        "bytes" => value >= 1 << 20 ? $"{value / (1 << 20):0.#} MiB" : $"{value / 1024:0.#} KiB",
        "percentunit" => $"{value * 100:0.#}%",
        "s" => value >= 1 || value == 0 ? $"{value:0.##} s" : $"{value * 1000:0.#} ms",
        _ => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.###", CultureInfo.InvariantCulture),
    };

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
