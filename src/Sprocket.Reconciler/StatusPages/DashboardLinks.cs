namespace Sprocket.Reconciler.StatusPages;

/// <summary>Links into the Grafana drift dashboard (<c>Reconciler:Grafana:DashboardUrl</c>).</summary>
public static class DashboardLinks
{
    /// <summary>The dashboard with its <c>stack</c> variable set, as Grafana reads <c>var-&lt;name&gt;=</c> from the URL.</summary>
    public static string ForStack(string dashboardUrl, string stack) =>
        dashboardUrl + (dashboardUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "var-stack=" + Uri.EscapeDataString(stack);
}
