namespace Sprocket.Reconciler.Notify;

/// <summary><c>Reconciler:Grafana</c>: annotations through <c>POST /api/annotations</c>, enabled when <c>Url</c> is set; and the
/// drift dashboard the status page links to, when <c>DashboardUrl</c> is.</summary>
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

    /// <summary>The drift dashboard's URL (<c>https://grafana.example.org/d/sprocket-reconciler</c>, a query such as
    /// <c>?orgId=1</c> allowed). The status page links to it, a stack's page with <c>var-stack=&lt;name&gt;</c> added, as
    /// Grafana's URL variables read it. Needs no token: the reader's browser opens it.</summary>
    public string? DashboardUrl { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
