using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.GitHub;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Notify;

public static class NotifyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="NotificationHub"/> as <see cref="INotificationPublisher"/> and as a hosted service, and
    /// each notifier whose section of the ROOT <paramref name="configuration"/> turns it on: GitHub when
    /// <c>Reconciler:GitHub:Token</c> is set (and <c>Notify</c> is not false), Grafana when <c>Reconciler:Grafana:Url</c>
    /// is, Gatus when <c>Reconciler:Gatus:Url</c> is. All options are validated at start. With none configured the hub
    /// still exists and <see cref="INotificationPublisher.Publish"/> does nothing.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        // A second call would register the hub as a hosted service twice: two readers on single-reader queues.
        if (services.Any(d => d.ServiceType == typeof(NotificationHub)))
        {
            return services;
        }

        services.AddMetrics();
        services.TryAddSingleton<NotificationMetrics>();
        // PublicUrl is a root key (ReconcilerOptions); the notifiers read it with their own settings.
        services.AddValidatedOptions<ReconcilerOptions>(configuration, ReconcilerOptions.SectionName);
        services.AddValidatedOptions<NotificationOptions, NotificationOptionsValidator>(configuration, NotificationOptions.SectionName)
            .Configure<IOptions<ReconcilerOptions>>((options, root) => options.PublicUrl = root.Value.PublicUrl);

        services.AddValidatedOptions<GitHubNotifierOptions>(configuration, GitHubNotifierOptions.SectionName);
        services.AddGitHubApi(configuration);
        services.AddValidatedOptions<GrafanaOptions, GrafanaOptionsValidator>(configuration, GrafanaOptions.SectionName);
        services.AddValidatedOptions<GatusOptions, GatusOptionsValidator>(configuration, GatusOptions.SectionName);

        // Which notifiers exist is decided once, from configuration at start; a change needs a restart, like the
        // tokens themselves.
        var gitHub = configuration.GetSection(GitHubNotifierOptions.SectionName).Get<GitHubNotifierOptions>() ?? new();
        if (gitHub.Notify && !string.IsNullOrWhiteSpace(configuration[GitHubApiOptions.SectionName + ":Token"]))
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<INotifier, GitHubNotifier>());
        }

        var grafana = configuration.GetSection(GrafanaOptions.SectionName).Get<GrafanaOptions>() ?? new();
        if (grafana.Enabled)
        {
            AddHttpClient(services, GrafanaNotifier.HttpClientName, grafana.RequestTimeout);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<INotifier, GrafanaNotifier>());
        }

        var gatus = configuration.GetSection(GatusOptions.SectionName).Get<GatusOptions>() ?? new();
        if (gatus.Enabled)
        {
            AddHttpClient(services, GatusNotifier.HttpClientName, gatus.RequestTimeout);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<INotifier, GatusNotifier>());
        }

        services.TryAddSingleton<NotificationHub>();
        services.TryAddSingleton<INotificationPublisher>(sp => sp.GetRequiredService<NotificationHub>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationHub>());
        return services;
    }

    private static void AddHttpClient(IServiceCollection services, string name, TimeSpan requestTimeout)
    {
        services.AddHttpClient(name, http =>
            {
                http.DefaultRequestHeaders.UserAgent.ParseAdd("sprocket-reconciler");
                // A bad value is reported by the validator at start; do not crash here first.
                if (requestTimeout > TimeSpan.Zero) http.Timeout = requestTimeout;
                http.MaxResponseContentBufferSize = 1024 * 1024;
            })
            // The factory's request logging would put the Authorization header into structured log state.
            .RemoveAllLoggers();
    }
}
