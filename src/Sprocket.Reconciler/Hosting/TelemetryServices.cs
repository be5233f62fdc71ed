using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Hosting;

/// <summary>What <c>/metrics</c> serves: the daemon's own meter and the agent's health, in one scrape.</summary>
public static class TelemetryServices
{
    /// <summary>The <c>service_name</c> of the scrape's <c>target_info</c>.</summary>
    public const string ServiceName = "sprocket-reconciler";

    /// <summary>
    /// Semantic-convention gauges whose names end in <c>.count</c>, renamed so the scrape passes <c>promtool check
    /// metrics</c>: Prometheus keeps the <c>_count</c> suffix for the sample count of histograms and summaries, and a
    /// gauge named so reads as one. The file-descriptor gauge takes the name every Prometheus client library exports.
    /// </summary>
    public static readonly IReadOnlyList<(string Instrument, string ExportedAs)> CountGaugeNames =
    [
        ("process.thread.count", "process.threads"),
        ("process.unix.file_descriptor.count", "process.open_fds"),
        ("dotnet.assembly.count", "dotnet.assemblies.loaded"),
        ("dotnet.process.cpu.count", "dotnet.process.cpus"),
        ("dotnet.timer.count", "dotnet.timers"),
    ];

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
                .AddCountGaugeViews()
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    private static MeterProviderBuilder AddCountGaugeViews(this MeterProviderBuilder metrics)
    {
        foreach (var (instrument, exportedAs) in CountGaugeNames)
            metrics.AddView(instrument, exportedAs);
        return metrics;
    }
}
