using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// The notifications wired exactly as the host wires them (<see cref="NotifyServiceCollectionExtensions.AddNotifications"/>),
/// the hub's readers running, every log record and every counter measurement captured.
/// </summary>
internal sealed class NotifyHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private NotifyHarness(ServiceProvider services)
    {
        _services = services;
        Hub = services.GetRequiredService<NotificationHub>();
        Publisher = services.GetRequiredService<INotificationPublisher>();
        Logs = services.GetFakeLogCollector();
        var meters = services.GetRequiredService<IMeterFactory>();
        Sent = new MetricCollector<long>(meters, MetricNames.MeterName, NotifyMetricNames.Notifications);
        Failed = new MetricCollector<long>(meters, MetricNames.MeterName, NotifyMetricNames.NotificationFailures);
        Dropped = new MetricCollector<long>(meters, MetricNames.MeterName, NotifyMetricNames.NotificationsDropped);
    }

    public NotificationHub Hub { get; }

    public INotificationPublisher Publisher { get; }

    public FakeLogCollector Logs { get; }

    public MetricCollector<long> Sent { get; }

    public MetricCollector<long> Failed { get; }

    public MetricCollector<long> Dropped { get; }

    /// <summary>Builds the services and validates the options as the host does at start (throws
    /// <see cref="OptionsValidationException"/>), without starting the hub.</summary>
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? extra = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging())
            .AddNotifications(configuration);
        extra?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider;
    }

    public static async Task<NotifyHarness> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? extra = null)
    {
        var harness = new NotifyHarness(Build(settings, extra));
        await harness.Hub.StartAsync(CancellationToken.None);
        return harness;
    }

    public static long Count(MetricCollector<long> collector, string notifier, string kind) =>
        collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["notifier"], notifier) && Equals(m.Tags["kind"], kind))
            .Sum(m => m.Value);

    public Task WaitForCount(MetricCollector<long> collector, string notifier, string kind, long expected, string what) =>
        Eventually.UntilValue(
            () => Task.FromResult(Count(collector, notifier, kind)),
            value => value >= expected,
            TimeSpan.FromSeconds(20),
            what);

    /// <summary>Every log record rendered with its structured values, for "the token appears nowhere" checks.</summary>
    public string AllLogText() => string.Join("\n", Logs.GetSnapshot().Select(r =>
        r.Message + " | " + string.Join(";", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []) + " | " + r.Exception));

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Hub.StopAsync(stopping.Token);
        Sent.Dispose();
        Failed.Dispose();
        Dropped.Dispose();
        await _services.DisposeAsync();
    }
}
