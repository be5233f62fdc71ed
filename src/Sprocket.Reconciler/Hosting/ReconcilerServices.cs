using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
using Sprocket.Reconciler.StatusPages;
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
        services.AddValidatedOptions<DockerOptions, DockerOptionsValidator>(configuration, DockerOptions.Section);
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
        services.AddValidatedOptions<ApiOptions>(configuration, ApiOptions.Section);
        services.AddValidatedOptions<ReconcilerOptions, ReconcilerOptionsValidator>(configuration, ReconcilerOptions.SectionName);
        services.AddPulumiApplyEngine(configuration);
        services.AddSwarmApplyEngine(configuration);
        services.TryAddSingleton<ApplyEngines>();
        services.TryAddSingleton<ApplyRunner>();
        services.AddWriteBack(configuration);
        services.TryAddSingleton<IIncidentWriter, IncidentWriter>();
        services.TryAddSingleton<LiveTagSearch>();
        services.AddNotifications(configuration);
        services.TryAddSingleton<StackNotifications>();
        services.TryAddSingleton<StackTimeline>();
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
        services.AddOptions<HostOptions>().Configure<IOptions<ReconcilerOptions>>((host, root) =>
            host.ShutdownTimeout = root.Value.ShutdownGrace + ReconcilerOptions.CancelGrace);
        services.AddHostedService(sp => sp.GetRequiredService<SwarmLeadership>());
        services.AddHostedService(sp => sp.GetRequiredService<ReconcileLoop>());
        services.AddHostedService<SwarmEventWatcher>();
        services.AddGitHubWebhookConcurrency();
        services.AddStatusPages();

        // The trigger is built while composing, before options exist. A malformed value is reported by the
        // configuration check and options validation at start-up, naming the key; the schedule must not be the
        // thing that crashes first, so it falls back to the default.
        var pollInterval = PositiveOrDefault(configuration.GetSection(DesiredStateOptions.SectionName),
            (DesiredStateOptions o) => o.PollInterval);
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<DesiredStatePollJob>(job => job.WithIdentity(DesiredStatePollJob.Key));
            quartz.AddTrigger(trigger => trigger
                .ForJob(DesiredStatePollJob.Key)
                .StartNow()
                .WithSimpleSchedule(schedule => schedule.WithInterval(pollInterval).RepeatForever()));
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);

        services.AddReconcilerTelemetry();
        return services;
    }

    private static TimeSpan PositiveOrDefault<TOptions>(IConfiguration section, Func<TOptions, TimeSpan> read)
        where TOptions : class, new()
    {
        TOptions? bound;
        try
        {
            bound = section.Get<TOptions>();
        }
        catch (InvalidOperationException)
        {
            bound = null;
        }

        return bound is not null && read(bound) > TimeSpan.Zero ? read(bound) : read(new TOptions());
    }
}
