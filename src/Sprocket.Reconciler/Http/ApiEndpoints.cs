using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Http;

/// <summary>The read side of the HTTP contract: liveness, readiness and the stack documents.</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapReconcilerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));

        app.MapGet("/readyz", (StatusStore store, ILeadership leadership) =>
        {
            var current = store.Current;
            // Before anything else: an agent that cannot remember what it does does nothing, whatever else is well.
            var problem = current.StateProblem ?? (current.Desired is null ? current.DesiredProblem?.Message ?? "desired state not loaded yet"
                : current.DockerProblem ?? (current.Last is null ? "first evaluation pending" : null));
            // A standby is ready too: it serves the read API; the role says whether it acts.
            var document = new ReadinessDocument(problem is null ? "ready" : "not-ready", leadership.Role, current.Desired?.Revision, problem);
            return Results.Json(document, JsonContext.Default.ReadinessDocument, statusCode: problem is null ? 200 : 503);
        });

        var api = app.MapGroup("/api/v1");
        api.MapGet("/stacks", (StatusStore store) =>
        {
            var current = store.Current;
            IReadOnlyList<StackDocument> stacks = current.Stacks.Select(s => StackDocument.From(s, current)).ToList();
            return Results.Json(stacks, JsonContext.Default.IReadOnlyListStackDocument);
        });
        api.MapGet("/stacks/{name}", (string name, StatusStore store) =>
        {
            var current = store.Current;
            var stack = current.Stacks.FirstOrDefault(s => s.Stack == name);
            return stack is null
                ? Results.Json(new ErrorDocument($"no stack named {name}"), JsonContext.Default.ErrorDocument, statusCode: 404)
                : Results.Json(StackDocument.From(stack, current), JsonContext.Default.StackDocument);
        });
        app.MapStackHistory();
        return app;
    }
}
