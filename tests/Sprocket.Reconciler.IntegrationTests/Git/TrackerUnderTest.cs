using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// The daemon's poll path without Docker: the real git source (wired as the host wires it) feeding the real
/// <see cref="DesiredStateTracker"/>, with its logs, the rejection counter and the status store in view.
/// </summary>
internal sealed class TrackerUnderTest : IDisposable
{
    /// <summary>DesiredStateTracker's "Validating desired-state file" event: one per parse actually run.</summary>
    public const int ParsingEventId = 1004;

    private readonly ServiceProvider _services;

    private TrackerUnderTest(ServiceProvider services, FakeTimeProvider time)
    {
        _services = services;
        Time = time;
        Tracker = services.GetRequiredService<DesiredStateTracker>();
        Store = services.GetRequiredService<StatusStore>();
        Logs = services.GetFakeLogCollector();
        Rejections = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            MetricNames.MeterName, MetricNames.DesiredStateRejected);
    }

    public FakeTimeProvider Time { get; }

    public DesiredStateTracker Tracker { get; }

    public StatusStore Store { get; }

    public FakeLogCollector Logs { get; }

    public MetricCollector<long> Rejections { get; }

    public static TrackerUnderTest Create(string repository, string dataDirectory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reconciler:DesiredState:Repository"] = repository,
            ["Reconciler:DataDirectory"] = dataDirectory,
        }).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging())
            .AddMetrics()
            .AddDesiredStateSource(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<StatusStore>()
            .AddSingleton<LoopInbox>()
            .AddSingleton<ILeadership, Leader>()
            .AddSingleton(new DesiredStateLocation(repository, "main", "desired-state.yaml"))
            .AddSingleton<ReconcilerMetrics>()
            .AddSingleton<DesiredStateTracker>()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new TrackerUnderTest(services, time);
    }

    public Task PollAsync() => Tracker.RefreshAsync(ReconcileTrigger.Poll, CancellationToken.None);

    /// <summary>Blob ids the tracker validated, one entry per parse, in order.</summary>
    public string[] ParsedBlobs() =>
        Logs.GetSnapshot().Where(r => r.Id.Id == ParsingEventId).Select(r => r.GetStructuredStateValue("BlobId")!).ToArray();

    public void Dispose()
    {
        Rejections.Dispose();
        _services.Dispose();
    }

    private sealed class Leader : ILeadership
    {
        public bool IsLeader => true;
    }
}
