using System.Reflection;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Documentation;

/// <summary>
/// The README's Metrics table is what dashboard and alert authors read: every instrument the daemon creates must
/// have a row there, and the table must be one block (a blank line ends a Markdown table and hides the rows after it).
/// </summary>
public sealed class ReadmeMetricsTests
{
    [Fact]
    public void Every_exported_metric_has_a_row_in_the_readme_metrics_table()
    {
        var rows = MetricsTableRows();
        var exported = new[] { typeof(MetricNames), typeof(NotifyMetricNames) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.GetRawConstantValue() is string name && name.StartsWith("sprocket_reconciler_", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.NotEmpty(exported);
        var missing = exported.Where(name => !rows.Any(row => row.StartsWith($"| `{name}", StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, "README.md's Metrics table has no row for: " + string.Join(", ", missing));
    }

    /// <summary>The contiguous table that follows the "## Metrics" heading, as Markdown renders it.</summary>
    private static List<string> MetricsTableRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "README.md"));
        var heading = Array.IndexOf(lines, "## Metrics");
        Assert.True(heading >= 0, "README.md has no '## Metrics' section");
        var start = Array.FindIndex(lines, heading, l => l.StartsWith('|'));
        return lines.Skip(start).TakeWhile(l => l.StartsWith('|')).ToList();
    }
}
