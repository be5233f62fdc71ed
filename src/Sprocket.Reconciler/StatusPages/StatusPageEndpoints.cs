using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
            return sources.Stack(name, request) is { } model
                ? new RazorComponentResult<StackPage>(new { Model = model })
                : new RazorComponentResult<StackNotFoundPage>(new { Model = sources.NotFound(name) }) { StatusCode = StatusCodes.Status404NotFound };
        });
        return app;
    }
}
