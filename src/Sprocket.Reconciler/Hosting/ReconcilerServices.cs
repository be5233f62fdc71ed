using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Quartz;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Registry;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.Telemetry;
using Sprocket.Reconciler.WriteBack;

namespace Sprocket.Reconciler.Hosting;

/// <summary>The composition root, shared by the daemon (<c>run</c>) and the one-shot commands.</summary>
public static class ReconcilerServices
{
    /// <summary>Everything needed to observe once: sources, adapters, the status store and the metrics.</summary>
    public static IServiceCollection AddReconcilerObservation(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddDesiredStateSource(configuration);
        services.AddRegistry(configuration);
        services.TryAddSingleton<IImageFactsSource, RegistryImageFactsSource>();
        services.AddOptions<DockerOptions>().Bind(configuration.GetSection(DockerOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DockerOptions>, DockerOptionsValidator>());
        services.TryAddSingleton(sp => DockerClientFactory.Create(sp.GetRequiredService<IOptions<DockerOptions>>()));
        services.TryAddSingleton<RollbackOriginMemory>();
        services.TryAddSingleton<ISwarmObserver, SwarmObserver>();
        services.TryAddSingleton<StatusStore>();
        services.TryAddSingleton<LoopInbox>();
        services.TryAddSingleton<ReconcilerMetrics>();
        services.TryAddSingleton<DesiredStateTracker>();
        services.TryAddSingleton<LiveObservation>();
        services.TryAddSingleton<StackStateStore>();
        services.TryAddSingleton<ApplyHistory>();
        services.TryAddSingleton<ApplyPreflight>();
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddOptions<ApplyOptions>().Bind(configuration.GetSection(ApplyOptions.Section))
            .Validate(o => o.ShutdownGrace >= TimeSpan.Zero, "Reconciler:ShutdownGrace must not be negative (a TimeSpan such as 00:10:00).")
            .Validate(o => o.ResyncInterval > TimeSpan.Zero, "Reconciler:ResyncInterval must be greater than zero (a TimeSpan such as 00:05:00).")
            .ValidateOnStart();
        services.AddPulumiApplyEngine(configuration);
        services.AddSwarmApplyEngine(configuration);
        services.TryAddSingleton<ApplyEngines>();
        services.TryAddSingleton<ApplyRunner>();
        services.AddWriteBack(configuration);
        services.TryAddSingleton<IIncidentWriter, IncidentWriter>();
        services.TryAddSingleton<LiveTagSearch>();
        services.AddNotifications(configuration);
        services.TryAddSingleton<StackNotifications>();
        services.TryAddSingleton<BackgroundWork>();
        services.TryAddSingleton<LiveMemories>();
        services.TryAddSingleton<StackActions>();
        services.TryAddSingleton<ReconcileLoop>();
        services.TryAddSingleton<SwarmLeadership>();
        services.TryAddSingleton<ILeadership>(sp => sp.GetRequiredService<SwarmLeadership>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DesiredStateOptions>>().Value;
            return new DesiredStateLocation(DesiredStateLocation.Scrub(options.Repository), options.Branch, options.Path);
        });
        return services;
    }

    /// <summary>The long-running parts: the poll schedule, the event watcher, the loop and the metrics exporter.</summary>
    public static IServiceCollection AddReconcilerDaemon(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddReconcilerObservation(configuration);
        // The loop, stopping, waits for the applies in flight (up to ShutdownGrace) and records how they ended —
        // pulumi up is never killed mid-update by a SIGTERM. The host's own timeout must not cut that short.
        var grace = ReadTimeSpan(configuration, $"{ApplyOptions.Section}:{nameof(ApplyOptions.ShutdownGrace)}", new ApplyOptions().ShutdownGrace);
        services.Configure<HostOptions>(options => options.ShutdownTimeout = grace + ApplyOptions.CancelGrace);
        services.AddHostedService(sp => sp.GetRequiredService<SwarmLeadership>());
        services.AddHostedService(sp => sp.GetRequiredService<ReconcileLoop>());
        services.AddHostedService<SwarmEventWatcher>();
        services.AddGitHubWebhookConcurrency();

        // A malformed value is reported by options validation at start-up, naming the key; the schedule
        // must not be the thing that crashes first.
        var pollInterval = ReadTimeSpan(configuration, $"{DesiredStateOptions.SectionName}:{nameof(DesiredStateOptions.PollInterval)}",
            new DesiredStateOptions().PollInterval);
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<DesiredStatePollJob>(job => job.WithIdentity(DesiredStatePollJob.Key));
            quartz.AddTrigger(trigger => trigger
                .ForJob(DesiredStatePollJob.Key)
                .StartNow()
                .WithSimpleSchedule(schedule => schedule.WithInterval(pollInterval).RepeatForever()));
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);

        // No scrape response cache (the exporter's default is 300 ms): the gauges are read from the status store at
        // scrape time, and a cached scrape would disagree with the JSON API right after a change.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MetricNames.MeterName)
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    private static TimeSpan ReadTimeSpan(IConfiguration configuration, string key, TimeSpan fallback) =>
        TimeSpan.TryParse(configuration[key], System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero
            ? parsed
            : fallback;
}
