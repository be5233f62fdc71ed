using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>
/// The daemon's <c>/metrics</c> as the host serves it (the OpenTelemetry Prometheus exporter on the daemon's meter, no
/// response cache), alone on a loopback Kestrel. It reads every meter of that name in the process — a
/// <see cref="Loop.LoopHarness"/>'s included — so tests pick their samples by a stack name of their own.
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private MetricsEndpoint(WebApplication app)
    {
        _app = app;
        _client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public static async Task<MetricsEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MetricNames.MeterName)
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        await app.StartAsync();
        return new MetricsEndpoint(app);
    }

    public async Task<MetricsScrape> ScrapeAsync() => PrometheusText.Parse(await _client.GetStringAsync("metrics"));

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
