namespace Sprocket.Reconciler.Notify;

/// <summary><c>Reconciler:Grafana</c>: annotations through <c>POST /api/annotations</c>. Enabled when <c>Url</c> is set.</summary>
public sealed class GrafanaOptions
{
    public const string SectionName = "Reconciler:Grafana";

    /// <summary>Grafana's root URL, with its sub-path if served under one (<c>https://grafana.example.org/grafana</c>).</summary>
    public string? Url { get; set; }

    /// <summary>A service account token allowed <c>annotations:create</c> on scope <c>annotations:type:organization</c> (the
    /// annotations are organization ones; <c>annotations:write</c> only updates), sent as <c>Authorization: Bearer</c>.
    /// Never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Limit per request; a stalled Grafana only delays Grafana annotations.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
