using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// The write side: <c>POST /api/v1/stacks/{name}/reconcile|hold|resume</c> behind <c>Authorization: Bearer
/// Api:Token</c>. A reconcile is a human's request: it ignores sync windows and backoff waits, but never a
/// hold or a refused tag — those end through <c>resume</c> or a new commit.
/// </summary>
public static partial class StackActionEndpoints
{
    public static IEndpointRouteBuilder MapStackActions(this IEndpointRouteBuilder app)
    {
        var actions = app.MapGroup("/api/v1/stacks/{name}").AddEndpointFilter(RequireTokenAsync);
        actions.MapPost("/reconcile", (string name, StatusStore store, EvaluationQueue queue) =>
            Known(store, name, () => queue.Request(new EvaluationRequest(ReconcileTrigger.Api, Stack: name, Manual: true)), "reconcile requested"));
        actions.MapPost("/hold", (string name, StatusStore store, ReconcileCoordinator coordinator) =>
            Known(store, name, () => coordinator.Hold(name, "api"), "held"));
        actions.MapPost("/resume", (string name, StatusStore store, ReconcileCoordinator coordinator) =>
            Known(store, name, () => coordinator.Resume(name), "resumed"));
        return app;
    }

    private static IResult Known(StatusStore store, string name, Action act, string done)
    {
        if (store.Current.Desired?.State.FindStack(name) is null)
            return Results.Json(new ErrorDocument($"no stack named {name}"), JsonContext.Default.ErrorDocument, statusCode: StatusCodes.Status404NotFound);
        act();
        return Results.Json(new MessageDocument(done), JsonContext.Default.MessageDocument, statusCode: StatusCodes.Status202Accepted);
    }

    private static async ValueTask<object?> RequireTokenAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = http.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.Token;
        if (string.IsNullOrEmpty(token))
            return Results.Json(new ErrorDocument("write API disabled: Reconciler:Api:Token is not configured"), JsonContext.Default.ErrorDocument,
                statusCode: StatusCodes.Status503ServiceUnavailable);

        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new ErrorDocument("a valid Bearer token is required"), JsonContext.Default.ErrorDocument,
                statusCode: StatusCodes.Status401Unauthorized);
        }
        return await next(context);
    }
}
