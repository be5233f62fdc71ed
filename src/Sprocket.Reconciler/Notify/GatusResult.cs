using System.Globalization;

namespace Sprocket.Reconciler.Notify;

/// <summary>
/// One external-endpoint result, as Gatus' <c>POST /api/v1/endpoints/{key}/external?success=…&amp;error=…&amp;duration=…</c>
/// takes it. <see cref="Key"/> follows Gatus' own key function: group and name each trimmed, lower-cased, with
/// <c>/ _ . , space # + &amp;</c> replaced by <c>-</c>, joined by <c>_</c>. The key goes into the path unescaped
/// (see <see cref="TravelsUnescaped"/>).
/// </summary>
public sealed record GatusResult(string Key, bool Success, string? Error, TimeSpan? Duration)
{
    // Gatus takes the error from the query string; a URL of a few kilobytes is still safe everywhere.
    private const int MaxError = 1000;

    public static string KeyOf(string group, string name) => Sanitize(group) + "_" + Sanitize(name);

    /// <summary>Synced is a success; a failed deploy, a hold, an emergency rollback and drift are failures carrying
    /// the summary as the error. Other kinds are not results.</summary>
    public static GatusResult? Of(string group, ReconcileNotification n) => n.Kind switch
    {
        NotificationKind.Synced => new GatusResult(KeyOf(group, n.Stack), true, null, null),
        NotificationKind.DeployFailed or NotificationKind.Hold or NotificationKind.EmergencyRollback or NotificationKind.Drift =>
            new GatusResult(KeyOf(group, n.Stack), false, NotificationText.Truncate(NotificationText.Summary(n), MaxError), n.Duration),
        _ => null,
    };

    /// <summary>The path and query relative to Gatus' root.</summary>
    public string RelativeUri()
    {
        var query = "success=" + (Success ? "true" : "false");
        if (!Success && !string.IsNullOrEmpty(Error)) query += "&error=" + Uri.EscapeDataString(Error);
        // Go's time.ParseDuration reads "1500ms"; whole milliseconds are plenty for an apply.
        if (Duration is { } d) query += "&duration=" + ((long)Math.Max(0, d.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
        return $"api/v1/endpoints/{Key}/external?{query}";
    }

    /// <summary>
    /// Whether the key can go into the URL path as it is. Gatus' router (fiber, UnescapePath off) matches the path
    /// segment as sent, undecoded, so a percent-escaped key names no endpoint: the key must consist of characters a
    /// path segment may carry raw (RFC 3986 pchar). The validator checks this for the group at start; stack names
    /// are lower-case letters, digits and '-'.
    /// </summary>
    public static bool TravelsUnescaped(string key) => key.All(c => char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@".Contains(c));

    private static string Sanitize(string s)
    {
        var lowered = s.Trim().ToLowerInvariant();
        return string.Create(lowered.Length, lowered, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is '/' or '_' or '.' or ',' or ' ' or '#' or '+' or '&' ? '-' : source[i];
            }
        });
    }
}
