using System.Net;
using System.Net.Http.Headers;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>A managed service of a scenario: <c>Prefix + Logical + "-1a2b3c4"</c> (Pulumi-style auto-name), matched by
/// <c>Prefix + Logical + "*"</c>, running <c>registry/Repository</c>.</summary>
public sealed record ScenarioService(string Logical, string Repository);

/// <summary>How a scenario starts. <see cref="StandinSwitches"/> are SPROCKET_STANDIN_* variables for the daemon's CLI runs.</summary>
public sealed record ScenarioOptions(string Engine, string InitialTag)
{
    public IReadOnlyList<ScenarioService> Services { get; init; } = [new("web-service", SeededImages.Web)];

    /// <summary>Swarm rolls a failing update back by itself (<c>--update-failure-action rollback --update-monitor 2s</c>).</summary>
    public bool RollbackOnFailure { get; init; }

    /// <summary>Swarm engine: the services' update options instead of the defaults (e.g. a long <c>--update-monitor</c>
    /// that keeps every update "updating" for a while).</summary>
    public IReadOnlyList<string>? SwarmUpdateArguments { get; init; }

    /// <summary>Pulumi engine: the program's <c>updateConfig.monitor</c> instead of 1 s (e.g. "15s", which keeps every
    /// update the stand-in's <c>up</c> sends "updating" for a while).</summary>
    public string? PulumiUpdateMonitor { get; init; }

    public IReadOnlyList<string> Policy { get; init; } = ReconcileStack.ActingPolicy;

    public IReadOnlyList<(string Name, string Value)> StandinSwitches { get; init; } = [];

    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    public TimeSpan? PollInterval { get; init; }

    /// <summary>The registry the images name, <c>host:port</c>; the environment's open registry unless a test puts a
    /// fault-injecting proxy in front of it.</summary>
    public string? RegistryHost { get; init; }

    /// <summary>The daemon reads a bare remote the test pushes to, so a <c>writeBack: commit</c> can push there too
    /// (see <see cref="DaemonProcess.StartAsync"/>).</summary>
    public bool BareDesiredState { get; init; }

    /// <summary>Turns the path of the repository the daemon reads into the <c>DesiredState:Repository</c> it is given.</summary>
    public Func<string, string>? DesiredRepositoryUrl { get; init; }
}

/// <summary>
/// One acceptance scenario on the real Swarm: the test's services (created by the docker CLI for <c>engine: swarm</c>,
/// by a first <c>pulumi up</c> of CI for <c>engine: pulumi</c>), a desired-state repository naming them, and the real
/// daemon acting on it, with the write API enabled. Starts from a stack that is <c>synced</c> at the initial tag.
/// </summary>
internal sealed class ReconcileScenario : IAsyncDisposable
{
    public const string ApiToken = "reconcile-e2e-api-token";
    private const string ServiceSuffix = "-1a2b3c4";

    private ReconcileScenario(ScenarioOptions options, SwarmServiceScope scope, OpenRegistry registry, PulumiWorld? pulumi, ReconcileStack stack)
    {
        Options = options;
        Scope = scope;
        Registry = registry;
        Pulumi = pulumi;
        Stack = stack;
        ServiceNames = options.Services.Select(service => scope.Prefix + service.Logical + ServiceSuffix).ToList();
    }

    public ScenarioOptions Options { get; }

    public SwarmServiceScope Scope { get; }

    public DockerCli Docker => Scope.Docker;

    public OpenRegistry Registry { get; }

    public PulumiWorld? Pulumi { get; }

    public DaemonProcess Daemon { get; private set; } = null!;

    /// <summary>The stack as last committed.</summary>
    public ReconcileStack Stack { get; private set; }

    public string Name => Stack.Name;

    public string Engine => Options.Engine;

    /// <summary>The Swarm names of the services, in the order of <see cref="ScenarioOptions.Services"/>.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    public static async Task<ReconcileScenario> StartAsync(ScenarioOptions options)
    {
        var scope = SwarmServiceScope.Create();
        var registry = new OpenRegistry(options.RegistryHost ?? TestEnvironment.Current.Registry);
        PulumiWorld? pulumi = null;
        ReconcileScenario? scenario = null;
        try
        {
            var services = options.Services
                .Select(service => new DesiredService($"{registry.Host}/{service.Repository}", scope.Prefix + service.Logical + "*"))
                .ToList();
            var stack = new ReconcileStack(scope.Prefix + options.Engine, options.Engine, options.InitialTag, services) { Policy = options.Policy };
            if (options.Engine == Engines.Pulumi)
            {
                pulumi = await PulumiWorld.CreateAsync(options.Services.Select(service =>
                    (scope.Prefix + service.Logical + ServiceSuffix, $"{registry.Host}/{service.Repository}", options.RollbackOnFailure)),
                    options.PulumiUpdateMonitor);
                stack = stack with { Pulumi = pulumi.Block };
            }

            scenario = new ReconcileScenario(options, scope, registry, pulumi, stack);
            await scenario.CreateServicesAsync();
            scenario.Daemon = await DaemonProcess.StartAsync(ReconcileYaml.Render(stack), scenario.DaemonArguments(), options.PollInterval,
                bareRemote: options.BareDesiredState, repositoryUrl: options.DesiredRepositoryUrl);
            await scenario.Daemon.WaitForRevisionAsync(stack.Name, scenario.Daemon.InitialRevision,
                s => s.Status == "synced" && (options.Engine != Engines.Pulumi || s.Applied.ImageTag == options.InitialTag),
                $"stack {stack.Name} synced at {options.InitialTag} before the scenario starts");
            return scenario;
        }
        catch
        {
            if (scenario is not null) await scenario.DisposeAsync();
            else
            {
                pulumi?.Dispose();
                registry.Dispose();
                await scope.DisposeAsync();
            }

            throw;
        }
    }

    private IReadOnlyList<string> DaemonArguments() =>
    [
        $"--Reconciler:Api:Token={ApiToken}",
        "--Reconciler:Swarm:ConvergenceTimeout=00:00:40",
        .. Pulumi?.DaemonArguments([.. Options.StandinSwitches]) ?? [],
        .. Options.ExtraArguments,
    ];

    private async Task CreateServicesAsync()
    {
        if (Pulumi is not null)
        {
            await Pulumi.DeployAsync(Options.InitialTag);
            return;
        }

        var update = Options.SwarmUpdateArguments ?? (Options.RollbackOnFailure
            ? ["--update-failure-action", "rollback", "--update-monitor", "2s"]
            : ["--update-monitor", "1s"]);
        for (var index = 0; index < ServiceNames.Count; index++)
        {
            var service = Options.Services[index];
            await Scope.CreateServiceAsync(service.Logical + ServiceSuffix, Registry.Image(service.Repository, Options.InitialTag), update);
        }
    }

    /// <summary>Commits the stack with another tag; returns the commit.</summary>
    public Task<string> CommitTagAsync(string tag) => CommitAsync(Stack.WithTag(tag));

    public async Task<string> CommitAsync(ReconcileStack stack)
    {
        Stack = stack;
        return await Daemon.CommitDesiredStateAsync(ReconcileYaml.Render(stack), $"{stack.Name} at {stack.ImageTag}");
    }

    /// <summary>Commits raw desired-state text (for files the daemon must reject).</summary>
    public Task<string> CommitRawAsync(string yaml) => Daemon.CommitDesiredStateAsync(yaml, "raw desired state");

    /// <summary><c>POST /api/v1/stacks/{name}/{action}</c> with the Bearer token; the API answers 202 for a known stack.</summary>
    public async Task PostAsync(string action)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/stacks/{Uri.EscapeDataString(Name)}/{action}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var response = await Daemon.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted,
            $"POST {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task<StackView> WaitAsync(Func<StackView, bool> done, string what, TimeSpan? timeout = null) =>
        Daemon.WaitForStackAsync(Name, done, what, timeout);

    /// <summary>Waits until the stack is evaluated against <paramref name="revision"/> and <paramref name="done"/> holds.</summary>
    public Task<StackView> WaitForRevisionAsync(string revision, Func<StackView, bool> done, string what, TimeSpan? timeout = null) =>
        Daemon.WaitForStackAsync(Name, s => s.Desired.Revision == revision && done(s), what, timeout);

    public async Task<StackView> GetAsync() =>
        await Daemon.GetStackAsync(Name) ?? throw new InvalidOperationException($"stack {Name} is not in force");

    public async Task<IReadOnlyList<ServiceSnapshot>> SnapshotsAsync()
    {
        var snapshots = new List<ServiceSnapshot>();
        foreach (var name in ServiceNames) snapshots.Add(await Docker.SnapshotServiceAsync(name));
        return snapshots;
    }

    /// <summary>What the engine writes into the spec: swarm <c>repo:tag@digest</c>; Pulumi's provider <c>repo@digest</c>.</summary>
    public string SpecImageFor(string repository, string tag, string digest) =>
        Engine == Engines.Pulumi ? $"{Registry.Host}/{repository}@{digest}" : $"{Registry.Host}/{repository}:{tag}@{digest}";

    /// <summary>Waits until every service's spec names <paramref name="tag"/>'s digest as the engine writes it, with its tasks running.</summary>
    public async Task WaitForServicesAtAsync(string tag, string what, TimeSpan? timeout = null)
    {
        for (var index = 0; index < ServiceNames.Count; index++)
        {
            var repository = Options.Services[index].Repository;
            var expected = SpecImageFor(repository, tag, await Registry.DigestOfAsync(repository, tag));
            var name = ServiceNames[index];
            await Eventually.UntilValue(() => Docker.SnapshotServiceAsync(name), s => s.SpecImage == expected, timeout ?? DaemonProcess.DefaultWait,
                $"{name} at {expected} ({what})");
        }
    }

    /// <summary>
    /// "Never happens", checked across a window: polls until the daemon has evaluated the stack
    /// <paramref name="evaluations"/> more times (each evaluation stamps a new <c>lastReconcile.at</c>), and on every
    /// poll requires every service to keep <paramref name="before"/>'s spec version and image and the stack document
    /// to satisfy <paramref name="invariant"/>. Returns the last document read.
    /// </summary>
    public async Task<StackView> AssertNothingAppliedAsync(
        IReadOnlyList<ServiceSnapshot> before, Func<StackView, bool> invariant, string what, int evaluations = 3)
    {
        var seen = new HashSet<DateTimeOffset>();
        StackView? last = null;
        await Eventually.UntilValue(async () =>
        {
            last = await GetAsync();
            Assert.True(invariant(last), $"{what}: the stack broke the invariant: {last}");
            var now = await SnapshotsAsync();
            for (var index = 0; index < before.Count; index++)
            {
                Assert.True(now[index].VersionIndex == before[index].VersionIndex && now[index].SpecImage == before[index].SpecImage,
                    $"{what}: {before[index].Name} changed: version {before[index].VersionIndex} -> {now[index].VersionIndex}, "
                    + $"image {before[index].SpecImage} -> {now[index].SpecImage}\n--- daemon output (tail) ---\n{Daemon.Output.Tail()}");
            }

            if (last.LastReconcile is { } reconcile) seen.Add(reconcile.At);
            return seen.Count;
        }, count => count > evaluations, TimeSpan.FromSeconds(40), $"{evaluations} evaluations of {Name} while {what}");
        return last!;
    }

    /// <summary>The sum of <c>reconciles_total</c> for the stack, optionally for one trigger and/or outcome.</summary>
    public async Task<double> ReconcilesAsync(string? trigger = null, string? outcome = null)
    {
        var labels = new List<(string, string)> { ("stack", Name) };
        if (trigger is not null) labels.Add(("trigger", trigger));
        if (outcome is not null) labels.Add(("outcome", outcome));
        var scrape = await Daemon.GetMetricsAsync();
        return scrape.Find("sprocket_reconciler_reconciles_total", [.. labels]).Sum(sample => sample.Value);
    }

    /// <summary>How many applies of the stack <c>apply_duration_seconds</c> counted with <paramref name="outcome"/>.</summary>
    public async Task<double> ApplyCountAsync(string outcome)
    {
        var scrape = await Daemon.GetMetricsAsync();
        return scrape.Value("sprocket_reconciler_apply_duration_seconds_count", ("stack", Name), ("engine", Engine), ("outcome", outcome)) ?? 0;
    }

    public IReadOnlyList<ApplyHistoryRow> History() => ApplyHistoryRows.Read(Daemon.DataDirectory, Name);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Daemon is not null) await Daemon.DisposeAsync();
        }
        finally
        {
            Registry.Dispose();
            Pulumi?.Dispose();
            await Scope.DisposeAsync();
        }
    }
}
