using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// <c>GET /api/v1/stacks/{name}/history</c> (the apply BOMs) and <c>/events</c> (the timeline), paged newest first with
/// <c>?limit=&amp;before=</c>. Read-only and unauthenticated like the other GETs; they read SQLite, never the loop.
/// </summary>
public static class StackHistoryEndpoints
{
    public static IEndpointRouteBuilder MapStackHistory(this IEndpointRouteBuilder app)
    {
        var stack = app.MapGroup("/api/v1/stacks/{name}");
        stack.MapGet("/history", (string name, string? limit, string? before, StatusStore store, ApplyHistory history) =>
            Paged(name, limit, before, store, query =>
            {
                var (items, next) = query.Read((count, beforeId) => history.Page(name, count, beforeId), r => r.Id);
                return Results.Json(new ApplyHistoryPage([.. items.Select(ApplyDocument.From)], next), JsonContext.Default.ApplyHistoryPage);
            }));
        stack.MapGet("/events", (string name, string? limit, string? before, StatusStore store, StackEventLog events) =>
            Paged(name, limit, before, store, query =>
            {
                var (items, next) = query.Read((count, beforeId) => events.Page(name, count, beforeId), e => e.Id);
                return Results.Json(new StackEventPage([.. items.Select(StackEventDocument.From)], next), JsonContext.Default.StackEventPage);
            }));
        return app;
    }

    private static IResult Paged(string name, string? limit, string? before, StatusStore store, Func<PageQuery, IResult> read)
    {
        var current = store.Current;
        // Known as GET /stacks/{name} knows it (evaluated), or named by the desired state in force before its first evaluation.
        if (!current.Stacks.Any(s => s.Stack == name) && current.Desired?.State.FindStack(name) is null)
            return Results.Json(new ErrorDocument($"no stack named {name}"), JsonContext.Default.ErrorDocument, statusCode: StatusCodes.Status404NotFound);
        return PageQuery.TryParse(limit, before, out var error) is { } query
            ? read(query)
            : Results.Json(new ErrorDocument(error!), JsonContext.Default.ErrorDocument, statusCode: StatusCodes.Status400BadRequest);
    }
}
