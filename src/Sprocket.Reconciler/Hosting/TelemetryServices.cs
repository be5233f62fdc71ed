using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Hosting;

/// <summary>What <c>/metrics</c> serves: the daemon's own meter and the agent's health, in one scrape.</summary>
public static class TelemetryServices
{
    /// <summary>The <c>service_name</c> of the scrape's <c>target_info</c>.</summary>
    public const string ServiceName = "sprocket-reconciler";

    public static IServiceCollection AddReconcilerTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        // No scrape response cache (the exporter's default is 300 ms): the gauges are read from the status store at
        // scrape time, and a cached scrape would disagree with the JSON API right after a change.
        // The agent's health rides in the same scrape, as every Prometheus exporter's does: process CPU, memory, threads
        // and file descriptors, the runtime's GC, JIT and thread pool, and HTTP server and client requests. HTTP series
        // carry the route template (http.route, none for an unknown path), never the raw path or query, so probes and
        // stray requests cannot grow the label set.
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(MetricNames.MeterName)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }
}
