using System.Text;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Http;

namespace Sprocket.Reconciler.Cli;

/// <summary>Renders stack documents as an aligned plain-text table: one row per service, desired | applied | live.</summary>
public static class DiffTable
{
    private static readonly string[] Header = ["STACK", "STATUS", "SERVICE", "DESIRED", "APPLIED", "LIVE", "DRIFT", "UPDATE"];

    public static string Render(IReadOnlyList<StackDocument> stacks)
    {
        var rows = new List<string[]> { Header };
        foreach (var stack in stacks)
            foreach (var service in stack.Services)
                rows.Add([
                    stack.Name, stack.Status, service.Name + (service.ObserveOnly ? " (observe)" : ""),
                    stack.Desired.ImageTag, stack.Applied.ImageTag ?? "-", Live(service), service.Drift, service.UpdateState ?? "-",
                ]);

        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        foreach (var stack in stacks.Where(s => s.Status != StackStatus.Synced.Spell()))
            text.AppendLine($"{stack.Name}: {stack.Message}");
        return text.ToString();
    }

    private static string Live(ServiceDocument service) => service switch
    {
        { LiveImage: null } => "(missing)",
        { LiveTag: { } tag, LiveDigest: { } digest } => $"{tag}@{digest[..Math.Min(19, digest.Length)]}",
        { LiveTag: { } tag } => tag,
        { LiveDigest: { } digest } => digest[..Math.Min(19, digest.Length)],
        _ => service.LiveImage,
    };
}
