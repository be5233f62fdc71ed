using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>An annotation the agent posted to the Grafana stand-in.</summary>
internal sealed record RecordedAnnotation(DateTimeOffset At, IReadOnlyList<string> Tags, string Text);

/// <summary>
/// The on-call tools the agent notifies, on one loopback Kestrel: <see cref="Gatus"/> (its external-endpoint API and its
/// <c>/metrics</c>) and a Grafana that records <c>POST /api/annotations</c> (Grafana's HTTP API: <c>time</c> in epoch
/// milliseconds, <c>tags</c>, <c>text</c>), refusing as grafana/grafana's pkg/api/annotations.go PostAnnotation does:
/// 401 without the token, 400 "Failed to save annotation" for an empty <c>text</c>. The permission model is
/// Host.Tests' GrafanaFake's; here only the scenario's timeline of annotations matters. Once <see cref="RefuseNextAnnotation"/> is called, Grafana answers the next
/// annotation with a 500, so the agent's notification-failure counter rises while Prometheus watches.
/// </summary>
internal sealed class OnCallStandIns : IAsyncDisposable
{
    public const string GrafanaToken = "grafana-standin-token";
    public const string GatusToken = "gatus-standin-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedAnnotation> _annotations = new();
    private int _refuseNext;

    private OnCallStandIns(WebApplication app, GatusStandIn gatus)
    {
        _app = app;
        Gatus = gatus;
    }

    public GatusStandIn Gatus { get; }

    /// <summary>Known once started (Kestrel picks the port).</summary>
    public Uri Address => new(_app.Urls.Single() + "/");

    /// <summary><c>host:port</c>, as a Prometheus target.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public IReadOnlyList<RecordedAnnotation> Annotations => [.. _annotations];

    /// <summary>The daemon's settings that point its Grafana and Gatus notifiers here.</summary>
    public IReadOnlyList<string> DaemonArguments =>
    [
        $"--Reconciler:Grafana:Url={Address}", $"--Reconciler:Grafana:Token={GrafanaToken}",
        $"--Reconciler:Gatus:Url={Address}", $"--Reconciler:Gatus:Token={GatusToken}",
    ];

    public static async Task<OnCallStandIns> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gatus = new GatusStandIn();
        var standIns = new OnCallStandIns(app, gatus);
        app.MapGet("/metrics", () => Results.Text(gatus.Exposition(), "text/plain; version=0.0.4"));
        app.MapPost("/api/v1/endpoints/{key}/external", (string key, HttpRequest request) =>
            gatus.PostExternalResult(key, request.Headers.Authorization, request.Query["success"], request.Query["duration"]));
        app.MapPost("/api/annotations", standIns.AnnotateAsync);
        await app.StartAsync();
        return standIns;
    }

    private async Task<IResult> AnnotateAsync(HttpRequest request)
    {
        if (request.Headers.Authorization != "Bearer " + GrafanaToken) return Results.Unauthorized();
        if (Interlocked.Exchange(ref _refuseNext, 0) == 1) return Results.Problem("annotation refused as the story asked", statusCode: 500);
        using var body = await JsonDocument.ParseAsync(request.Body);
        var root = body.RootElement;
        if (string.IsNullOrEmpty(root.GetProperty("text").GetString()))
            return Results.Json(new { message = "Failed to save annotation" }, statusCode: 400);
        _annotations.Enqueue(new RecordedAnnotation(
            DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("time").GetInt64()),
            root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList(),
            root.GetProperty("text").GetString()!));
        return Results.Json(new { id = _annotations.Count, message = "Annotation added" });
    }

    /// <summary>The next annotation posted is answered with a 500 (and not recorded).</summary>
    public void RefuseNextAnnotation() => Interlocked.Exchange(ref _refuseNext, 1);

    public async ValueTask DisposeAsync()
    {
        await Gatus.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
