using System.Globalization;
using System.Text;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Http;

namespace Sprocket.Reconciler.Cli;

/// <summary>Renders history pages as aligned plain-text tables, newest first, with how to ask for the next page.</summary>
public static class HistoryTable
{
    public static string Render(ApplyHistoryPage page) => Render(
        ["ID", "STARTED", "TRIGGER", "TAG", "OUTCOME", "DURATION", "REVISION", "ENGINE", "MODE"],
        page.Items.Select(a => new[]
        {
            a.Id.ToString(CultureInfo.InvariantCulture), Time(a.StartedAt), a.Trigger, a.Tag, a.Outcome ?? "(unfinished)",
            a.FinishedAt is { } finished ? Duration(finished - a.StartedAt) : "-", Short(a.Revision), a.Engine, a.Mode,
        }), page.Next, "no applies recorded");

    public static string Render(StackEventPage page) => Render(
        ["ID", "AT", "KIND", "TAG", "PREVIOUS", "MESSAGE"],
        page.Items.Select(e => new[]
        {
            e.Id.ToString(CultureInfo.InvariantCulture), Time(e.At), e.Kind, e.Tag ?? "-", e.PreviousTag ?? "-",
            e.Link is null ? e.Message : $"{e.Message} {e.Link}",
        }), page.Next, "no events recorded");

    private static string Render(string[] header, IEnumerable<string[]> items, long? next, string empty)
    {
        // Everything shown came from the agent, and names and messages come from git and the Swarm: no control characters.
        var rows = items.Select(r => r.Select(DisplayText.Escape).ToArray()).ToList();
        if (rows.Count == 0) return empty + Environment.NewLine;
        rows.Insert(0, header);
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        if (next is { } before) text.AppendLine(CultureInfo.InvariantCulture, $"older entries: --before {before}");
        return text.ToString();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Short(string revision) => revision.Length > 8 ? revision[..8] : revision;

    private static string Duration(TimeSpan duration) =>
        duration < TimeSpan.Zero ? "-"
        : duration < TimeSpan.FromMinutes(1) ? duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s"
        : duration < TimeSpan.FromHours(1) ? $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s"
        : $"{(int)duration.TotalHours}h{duration.Minutes:00}m";
}
