using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.StatusPages;

/// <summary>
/// <c>GET /</c> (every stack) and <c>GET /stacks/{name}</c> (one stack, 404 page for an unknown name): Razor components
/// rendered on the server, whole, with no script, no interactivity and no external asset, so the pages work on a
/// locked-down manager and in any browser. Read-only: nothing here changes state, so GET needs no antiforgery token.
/// </summary>
public static class StatusPageEndpoints
{
    /// <summary>How many timeline entries and applies a stack's page shows: the recent story, not the archive.</summary>
    public const int TimelineEntries = 20;

    public const int ApplyEntries = 10;

    public static IServiceCollection AddStatusPages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StatusPageSources>();
        return services;
    }

    public static IEndpointRouteBuilder MapStatusPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (StatusPageSources sources) => new RazorComponentResult<OverviewPage>(new { Model = sources.Overview() }));
        app.MapGet("/stacks/{name}", IResult (string name, HttpRequest request, StatusPageSources sources) =>
        {
            // Kestrel leaves an escaped slash escaped in the path, so routing hands it over as %2F; the links escape every
            // character of a name, and a name is matched as it was written.
            name = name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
            return sources.Stack(name, PublicBase(request)) is { } model
                ? new RazorComponentResult<StackPage>(new { Model = model })
                : new RazorComponentResult<StackNotFoundPage>(new { Model = sources.NotFound(name) }) { StatusCode = StatusCodes.Status404NotFound };
        });
        return app;
    }

    /// <summary>Where the commands on the page send requests: <c>Reconciler:PublicUrl</c>, else the address this request came to.</summary>
    private static Uri PublicBase(HttpRequest request)
    {
        var configured = request.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<ReconcilerOptions>>().CurrentValue.PublicUrl;
        var root = Uri.TryCreate(configured, UriKind.Absolute, out var uri) ? uri.ToString() : $"{request.Scheme}://{request.Host}{request.PathBase}";
        return new Uri(root.EndsWith('/') ? root : root + "/", UriKind.Absolute);
    }
}

/// <summary>The shell around <see cref="StatusPageViews"/>: the snapshot, the role, the options and the bounded reads of state.</summary>
public sealed class StatusPageSources(
    StatusStore store,
    ILeadership leadership,
    ApplyHistory applies,
    StackEventLog events,
    IOptionsMonitor<GrafanaOptions> grafana,
    TimeProvider time,
    DesiredStateLocation? location = null)
{
    public OverviewModel Overview() => StatusPageViews.Overview(store.Current, Context());

    public StackPageModel? Stack(string name, Uri publicBase)
    {
        var status = store.Current;
        if (status.Stacks.All(s => s.Stack != name)) return null;
        return StatusPageViews.Stack(status, name, Context(), publicBase, location?.DisplayRepository,
            events.Page(name, StatusPageEndpoints.TimelineEntries, null), applies.Page(name, StatusPageEndpoints.ApplyEntries, null));
    }

    public StackNotFoundModel NotFound(string name) => StatusPageViews.NotFound(store.Current, name, Context());

    private PageContext Context() => new(time.GetUtcNow(), leadership.Role, NullIfBlank(grafana.CurrentValue.DashboardUrl));

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
