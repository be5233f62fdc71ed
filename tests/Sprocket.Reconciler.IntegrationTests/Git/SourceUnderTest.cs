using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// The source wired exactly as the host wires it (<see cref="DesiredStateServiceCollectionExtensions.AddDesiredStateSource"/>),
/// with every log record and every failure measurement captured.
/// </summary>
internal sealed class SourceUnderTest : IDisposable
{
    private readonly ServiceProvider _services;

    private SourceUnderTest(IConfigurationRoot configuration, ServiceProvider services, string dataDirectory)
    {
        Configuration = configuration;
        _services = services;
        DataDirectory = dataDirectory;
        Source = services.GetRequiredService<IDesiredStateSource>();
        Logs = services.GetFakeLogCollector();
        Failures = new MetricCollector<long>(
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            Sprocket.Reconciler.Telemetry.MetricNames.MeterName,
            Sprocket.Reconciler.Telemetry.MetricNames.DesiredStateFetchFailures);
    }

    public IConfigurationRoot Configuration { get; }

    public string DataDirectory { get; }

    public IDesiredStateSource Source { get; }

    public FakeLogCollector Logs { get; }

    public MetricCollector<long> Failures { get; }

    /// <summary>The failures counted. The counter's zero for each reason, added on the first fetch so that
    /// <c>increase()</c> sees the first failure, is not one.</summary>
    public IReadOnlyList<CollectedMeasurement<long>> CountedFailures() =>
        Failures.GetMeasurementSnapshot().Where(m => m.Value != 0).ToList();

    public string CloneRoot => Path.Combine(DataDirectory, "desired");

    public static SourceUnderTest Create(string repository, string dataDirectory, string? branch = null, string? path = null, string? token = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reconciler:DesiredState:Repository"] = repository,
            ["Reconciler:DataDirectory"] = dataDirectory,
        };
        if (branch is not null) settings["Reconciler:DesiredState:Branch"] = branch;
        if (path is not null) settings["Reconciler:DesiredState:Path"] = path;
        if (token is not null) settings["Reconciler:GitHub:Token"] = token;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging())
            .AddDesiredStateSource(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new SourceUnderTest(configuration, services, dataDirectory);
    }

    public Task<DesiredFetchResult> FetchAsync() => Source.FetchAsync(CancellationToken.None);

    /// <summary>Changes one setting the way a reloaded appsettings.json would.</summary>
    public void Reconfigure(string key, string? value)
    {
        Configuration[key] = value;
        Configuration.Reload();
    }

    public string[] CloneDirectories() =>
        Directory.Exists(CloneRoot) ? Directory.GetDirectories(CloneRoot) : [];

    public void Dispose()
    {
        Failures.Dispose();
        _services.Dispose();
    }
}
