using System.Text.Json.Serialization;

namespace Sprocket.Reconciler.Notify;

/// <summary>
/// The body of Grafana's <c>POST /api/annotations</c>: an organization annotation (no dashboard or panel), so any
/// dashboard shows it through the Grafana annotations data source filtered by tags. <c>time</c> is epoch milliseconds.
/// </summary>
public sealed record GrafanaAnnotation(
    [property: JsonPropertyName("time")] long Time,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
    [property: JsonPropertyName("text")] string Text)
{
    public const string ProductTag = "sprocket-reconciler";

    /// <summary>Tags: the product, the stack, each service, the event family (<c>deploy</c>, <c>emergency-rollback</c>,
    /// <c>hold</c>, <c>realign</c>, <c>drift</c>) and, for deploys, the exact kind (<c>deploy-failed</c>…).</summary>
    public static GrafanaAnnotation Of(ReconcileNotification n)
    {
        var tags = new List<string> { ProductTag, n.Stack };
        tags.AddRange(n.Services);
        var family = NotificationKind.EventOf(n.Kind);
        tags.Add(family);
        if (family != n.Kind) tags.Add(n.Kind);

        var text = NotificationText.Summary(n);
        if (!string.IsNullOrEmpty(n.Revision))
        {
            text += $" (desired-state revision {ShortSha(n.Revision)})";
        }
        return new GrafanaAnnotation(n.At.ToUnixTimeMilliseconds(), tags.Distinct(StringComparer.Ordinal).ToArray(), text);
    }

    private static string ShortSha(string revision) => revision.Length > 12 ? revision[..12] : revision;
}
