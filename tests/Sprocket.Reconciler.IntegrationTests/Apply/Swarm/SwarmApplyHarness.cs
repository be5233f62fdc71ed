using System.Collections.Immutable;
using System.Text.Json;
using Docker.DotNet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Swarm;

/// <summary>
/// One test's swarm engine, wired the way the daemon wires it (<see cref="SwarmApplyServiceCollectionExtensions.AddSwarmApplyEngine"/>
/// resolved as an <see cref="IApplyEngine"/>), on the real test Swarm, with its own service scope and every log line captured.
/// </summary>
public sealed class SwarmApplyHarness : IAsyncDisposable
{
    /// <summary>Short, so that an update takes about three seconds: stop (grace 1 s), start, monitor 1 s.</summary>
    public static readonly IReadOnlyList<string> FastUpdates = ["--update-monitor", "1s", "--rollback-monitor", "1s"];

    private readonly List<ServiceProvider> _providers = [];

    public SwarmServiceScope Scope { get; } = SwarmServiceScope.Create();

    public DockerCli Docker => Scope.Docker;

    public TestEnvironmentSettings Env => TestEnvironment.Current;

    public List<ApplyProgress> Progress { get; } = [];

    /// <summary>Progress reported synchronously (Progress&lt;T&gt; would post to the thread pool and race the assertions).</summary>
    public IProgress<ApplyProgress> ProgressSink => new SynchronousProgress(Progress.Add);

    public FakeLogCollector? Logs { get; private set; }

    /// <summary>The engine as the daemon resolves it. <paramref name="withCredentials"/> configures the auth registry's user.</summary>
    public IApplyEngine Engine(
        TimeSpan? convergenceTimeout = null,
        bool withCredentials = false,
        IDockerClient? docker = null,
        int maxVersionConflictRetries = 3)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Reconciler:Swarm:ConvergenceTimeout"] = (convergenceTimeout ?? TimeSpan.FromSeconds(40)).ToString(),
            ["Reconciler:Swarm:PollInterval"] = "00:00:00.200",
            ["Reconciler:Swarm:MaxVersionConflictRetries"] = maxVersionConflictRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (withCredentials)
        {
            settings["Reconciler:Registry:Credentials:private:Host"] = Env.AuthRegistry;
            settings["Reconciler:Registry:Credentials:private:Username"] = Env.AuthRegistryUser;
            settings["Reconciler:Registry:Credentials:private:Password"] = Env.AuthRegistryPassword;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton(docker ?? DockerClientFactory.Create(Env.DockerEndpoint));
        // What AddRegistry binds; the rest of AddRegistry (HTTP clients, SQLite ledger) the engine does not use.
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName));
        services.AddSwarmApplyEngine(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        _ = provider.GetRequiredService<IOptions<SwarmApplyOptions>>().Value;
        Logs = provider.GetFakeLogCollector();
        return provider.GetServices<IApplyEngine>().Single(engine => engine.Engine == "swarm");
    }

    /// <summary>Creates <c>Prefix + name</c> from <paramref name="image"/> with fast update settings and waits until its task runs.</summary>
    public async Task<ServiceSnapshot> CreateRunningServiceAsync(string name, string image, params string[] extraArguments)
    {
        var fullName = await Scope.CreateServiceAsync(name, image, [.. FastUpdates, .. extraArguments]);
        await Eventually.Until(async () => await Docker.RunningTaskCountAsync(fullName) == 1, TimeSpan.FromSeconds(30), $"{fullName} running");
        return await Docker.SnapshotServiceAsync(fullName);
    }

    /// <summary>A swarm stack whose services are this scope's, matched by name glob and repository.</summary>
    public StackSpec Stack(params (string Repository, string Name)[] services) => new(
        Name: "apply-" + Scope.Prefix.TrimEnd('-'),
        Engine: StackEngine.Swarm,
        ImageTag: SeededImages.GitBbb,
        Pulumi: null,
        Services: [.. services.Select(service => new ServiceSpec(service.Repository, Scope.NameFor(service.Name) + "*"))],
        ObserveOnly: ImmutableArray<ObservedServiceSpec>.Empty,
        Policy: StackPolicy.Default);

    public static ApplyRequest Request(StackSpec stack, string tag, ApplyMode mode, params PinnedImage[] images) =>
        new(stack, tag, images, mode, Revision: "0123456789abcdef0123456789abcdef01234567", Trigger: Sprocket.Reconciler.Reconcile.ReconcileTrigger.Api);

    /// <summary>Spec.Labels of the service (empty when none).</summary>
    public async Task<IReadOnlyDictionary<string, string>> LabelsAsync(string name)
    {
        var service = await Docker.InspectServiceAsync(name);
        return service.GetProperty("Spec").TryGetProperty("Labels", out var labels) && labels.ValueKind == JsonValueKind.Object
            ? labels.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : new Dictionary<string, string>();
    }

    public string AllLogText() => Logs is null ? "" : string.Join('\n', Logs.GetSnapshot().Select(r =>
        $"{r.Category} {r.Level} {r.Message} {string.Join(' ', r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])} {r.Exception}"));

    public string ProgressText() => string.Join('\n', Progress.Select(p => p.Message));

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers) await provider.DisposeAsync();
        await Scope.DisposeAsync();
    }

    private sealed class SynchronousProgress(Action<ApplyProgress> report) : IProgress<ApplyProgress>
    {
        public void Report(ApplyProgress value)
        {
            lock (this) report(value);
        }
    }
}
