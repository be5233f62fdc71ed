using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.StatusPages;

/// <summary>The shell around <see cref="StatusPageViews"/>: the snapshot, the role, the options and the bounded reads of state.</summary>
public sealed class StatusPageSources(
    StatusStore store,
    ILeadership leadership,
    ApplyHistory applies,
    StackEventLog events,
    IOptionsMonitor<GrafanaOptions> grafana,
    IOptionsMonitor<ReconcilerOptions> reconciler,
    TimeProvider time,
    DesiredStateLocation? location = null)
{
    public OverviewModel Overview() => StatusPageViews.Overview(store.Current, Context());

    public StackPageModel? Stack(string name, HttpRequest request)
    {
        var status = store.Current;
        if (status.Stacks.All(s => s.Stack != name)) return null;
        return StatusPageViews.Stack(status, name, Context(), PublicBase(request), location?.DisplayRepository,
            events.Page(name, StatusPageEndpoints.TimelineEntries, null), applies.Page(name, StatusPageEndpoints.ApplyEntries, null));
    }

    public StackNotFoundModel NotFound(string name) => StatusPageViews.NotFound(store.Current, name, Context());

    /// <summary>Where the commands on the page send requests: <c>Reconciler:PublicUrl</c>, else the address this request came to.</summary>
    private Uri PublicBase(HttpRequest request)
    {
        var configured = reconciler.CurrentValue.PublicUrl;
        var root = Uri.TryCreate(configured, UriKind.Absolute, out var uri) ? uri.ToString() : $"{request.Scheme}://{request.Host}{request.PathBase}";
        return new Uri(root.EndsWith('/') ? root : root + "/", UriKind.Absolute);
    }

    private PageContext Context() => new(time.GetUtcNow(), leadership.Role, NullIfBlank(grafana.CurrentValue.DashboardUrl));

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
