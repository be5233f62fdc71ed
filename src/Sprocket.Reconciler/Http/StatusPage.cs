using System.Net;
using System.Text;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// <c>GET /</c>: the on-call view. Plain server-rendered HTML from the same status the API serves, refreshed
/// every few seconds, with no script and no external asset so it works on a locked-down manager.
/// </summary>
public static class StatusPage
{
    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (StatusStore store) => Results.Content(Render(store.Current), "text/html; charset=utf-8"));
        return app;
    }

    public static string Render(ReconcilerStatus status)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>Sprocket.Reconciler</title><style>
            body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 2em}
            td,th{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:left}code{font-size:12px}
            .synced{color:#1a7f37}.out-of-sync{color:#9a6700}.drifted,.failed,.invalid{color:#cf222e}.held,.applying{color:#0969da}
            .problem{background:#fff1f0;border:1px solid #cf222e;padding:.5em 1em}
            </style></head><body><h1>Sprocket.Reconciler</h1>
            """);
        html.Append("<p>Desired revision <code>").Append(E(status.Desired?.Revision ?? "none")).Append("</code>");
        if (status.Last is { } last)
            html.Append(" · last evaluation ").Append(E(last.At.ToString("u"))).Append(" on ").Append(E(last.Trigger.Spell()));
        html.Append("</p>");
        if (status.DesiredProblem is { } problem)
            html.Append("<p class=\"problem\">Desired state ").Append(E(problem.Kind.Spell())).Append(": ").Append(E(problem.Message))
                .Append(" — the last good state stays in force.</p>");
        if (status.DockerProblem is { } docker)
            html.Append("<p class=\"problem\">").Append(E(docker)).Append("</p>");

        foreach (var stack in status.Stacks.Select(s => StackDocument.From(s, status)))
        {
            html.Append("<h2 id=\"").Append(E(stack.Name)).Append("\">").Append(E(stack.Name)).Append(" <span class=\"")
                .Append(E(stack.Status)).Append("\">").Append(E(stack.Status)).Append("</span></h2><p>").Append(E(stack.Message)).Append("</p>");
            if (stack.Incident is { } incident)
                html.Append("<p class=\"problem\">Emergency rollback: ").Append(E(incident.BadTag)).Append(" → ").Append(E(incident.GoodTag ?? "unknown tag"))
                    .Append(incident.StabilizationDeadline is { } deadline ? $"; stable until {deadline:u}" : "; waiting to settle")
                    .Append(incident.WriteBack is { } written ? $"; written back: {E(written.Kind)} {E(written.Reference)}" : "").Append("</p>");
            html.Append("<table><tr><th>Service</th><th>Desired</th><th>Live tag</th><th>Live digest</th><th>Drift</th><th>Update state</th></tr>");
            foreach (var s in stack.Services)
                html.Append("<tr><td>").Append(E(s.Name)).Append("</td><td><code>").Append(E(stack.Desired.ImageTag)).Append("</code></td><td><code>")
                    .Append(E(s.LiveTag ?? "-")).Append("</code></td><td><code>").Append(E(s.LiveDigest ?? "-")).Append("</code></td><td class=\"")
                    .Append(s.Drift == DriftReason.None.Spell() ? StackStatus.Synced.Spell() : StackStatus.Drifted.Spell()).Append("\">").Append(E(s.Drift)).Append("</td><td>")
                    .Append(E(s.UpdateState ?? "-")).Append("</td></tr>");
            html.Append("</table>");
        }
        return html.Append("</body></html>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
