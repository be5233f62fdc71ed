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
        actions.MapPost("/reconcile", (string name, StatusStore store, LoopInbox inbox) =>
            KnownAsync(store, name, () => Post(inbox, new EvaluationRequest(ReconcileTrigger.Api, Stack: name, Manual: true)), "reconcile requested"));
        // Hold and resume answer once the loop has stored them: a hold acknowledged is a hold that survives a restart.
        actions.MapPost("/hold", (string name, StatusStore store, LoopInbox inbox, CancellationToken cancellationToken) =>
            KnownAsync(store, name, () => Post(inbox, new HoldRequested(name, "api")).Done.Task.WaitAsync(cancellationToken), "held"));
        actions.MapPost("/resume", (string name, StatusStore store, LoopInbox inbox, CancellationToken cancellationToken) =>
            KnownAsync(store, name, () => Post(inbox, new ResumeRequested(name)).Done.Task.WaitAsync(cancellationToken), "resumed"));
        return app;
    }

    private static T Post<T>(LoopInbox inbox, T message) where T : LoopMessage
    {
        inbox.Post(message);
        return message;
    }

    private static async Task<IResult> KnownAsync(StatusStore store, string name, Func<object> act, string done)
    {
        if (store.Current.Desired?.State.FindStack(name) is null)
            return Results.Json(new ErrorDocument($"no stack named {name}"), JsonContext.Default.ErrorDocument, statusCode: StatusCodes.Status404NotFound);
        try
        {
            if (act() is Task stored) await stored;
        }
        catch (StateNotStoredException notStored)
        {
            // Never 202 for what a restart would forget: the operator learns it is in force only in memory.
            return Results.Json(new ErrorDocument(notStored.Message), JsonContext.Default.ErrorDocument, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
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
