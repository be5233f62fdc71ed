using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>
/// The start every realignment story shares, on the real Swarm and real git: a stack under
/// <c>onEmergencyRollback: realign</c> that the daemon deployed from <see cref="GitAaa"/> to <see cref="GitBbb"/>, its
/// desired state in a bare repository the daemon reads and a <c>writeBack: commit</c> pushes to. Then the on-call's
/// <c>docker service update --rollback</c>, and ways to read git, the stack and the metrics along the story.
/// </summary>
internal sealed class RealignStory : IAsyncDisposable
{
    public const string DesiredFile = "desired-state.yaml";

    /// <summary>The webhook secret of stories that poll git rarely, so only a webhook makes a commit seen.</summary>
    public const string WebhookSecret = "realign-webhook-secret";

    /// <summary>Long enough that the daemon never polls git during a story: commits are seen through <see cref="GitHubPush.SendAsync"/>.</summary>
    public static readonly TimeSpan NoPolling = TimeSpan.FromMinutes(30);

    private RealignStory(ReconcileScenario scenario, string bbbRevision)
    {
        Scenario = scenario;
        BbbRevision = bbbRevision;
    }

    public ReconcileScenario Scenario { get; }

    /// <summary>The commit naming <see cref="GitBbb"/>: the head of the branch when the on-call rolls back.</summary>
    public string BbbRevision { get; }

    public string Name => Scenario.Name;

    public string Service => Scenario.ServiceNames[0];

    public DaemonProcess Daemon => Scenario.Daemon;

    /// <summary>The policy of a realigning stack; everything but <c>writeBack</c> and <c>stabilization</c> as most scenarios act.</summary>
    public static IReadOnlyList<string> Policy(string writeBack, string stabilization) =>
        ["autoSync: true", "onEmergencyRollback: realign", "onFailedUpdateRollback: hold", "onDrift: revert",
         $"writeBack: {writeBack}", $"stabilization: {stabilization}"];

    /// <summary>Starts the scenario at <see cref="GitAaa"/> and lets the daemon deploy <see cref="GitBbb"/>.</summary>
    public static async Task<RealignStory> StartAsync(
        string engine, string writeBack = "commit", string stabilization = "5s", Func<ScenarioOptions, ScenarioOptions>? configure = null)
    {
        var story = await StartDeployingAsync(engine, writeBack, stabilization, configure);
        try
        {
            await story.Scenario.WaitForRevisionAsync(story.BbbRevision,
                s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb && s.Applied.ImageTag == GitBbb,
                $"{story.Name} synced at {GitBbb} (deployed by the daemon)");
            await story.Scenario.WaitForServicesAtAsync(GitBbb, "the daemon's deploy");
            return story;
        }
        catch
        {
            await story.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the scenario at <see cref="GitAaa"/> and commits <see cref="GitBbb"/>: returns while the daemon
    /// begins to deploy it (for stories about what happens during that apply).</summary>
    public static async Task<RealignStory> StartDeployingAsync(
        string engine, string writeBack = "commit", string stabilization = "5s", Func<ScenarioOptions, ScenarioOptions>? configure = null)
    {
        var options = new ScenarioOptions(engine, GitAaa) { Policy = Policy(writeBack, stabilization), BareDesiredState = true };
        options = configure?.Invoke(options) ?? options;
        var scenario = await ReconcileScenario.StartAsync(options);
        try
        {
            var bbb = await scenario.CommitTagAsync(GitBbb);
            if (options.PollInterval >= NoPolling) await GitHubPush.SendAsync(scenario.Daemon, WebhookSecret, bbb);
            return new RealignStory(scenario, bbb);
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    /// <summary>The on-call's <c>docker service update --rollback</c>; returns how long until the API showed the hold
    /// (the CLI round trip included, as the on-call would see it).</summary>
    public async Task<TimeSpan> RollBackAndWaitForHoldAsync()
    {
        var clock = Stopwatch.StartNew();
        await Scenario.Docker.RollbackAsync(Service);
        await QuickPoll.UntilAsync(async () => await Scenario.GetAsync() is { Status: "held", Hold.Reason: "emergency-rollback" },
            TimeSpan.FromSeconds(30), $"{Name} held after the on-call's rollback", () => Daemon.Output.Tail());
        return clock.Elapsed;
    }

    /// <summary>Waits until Swarm finished the rollback with the task running; returns that service snapshot.</summary>
    public async Task<ServiceSnapshot> WaitForRollbackCompletedAsync() =>
        await Eventually.UntilValue(() => Scenario.Docker.SnapshotServiceAsync(Service), s => s.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(30), $"{Service} rollback_completed");

    /// <summary>The on-call's rollback, settled: the stack held, Swarm's rollback completed and the incident's
    /// stabilization clock running. Returns the incident as it is then.</summary>
    public async Task<IncidentView> RollBackAndWaitForStabilizationAsync()
    {
        await RollBackAndWaitForHoldAsync();
        await WaitForRollbackCompletedAsync();
        return (await WaitForStableSinceAsync()).Incident!;
    }

    /// <summary>
    /// The on-call rolls back twice more during stabilization: back to <see cref="GitBbb"/>, then to <see cref="GitAaa"/>
    /// again. <paramref name="between"/> runs between the two (e.g. to watch what the daemon makes of the moment the spec
    /// names bbb again). Returns when the second rollback was issued.
    /// </summary>
    public async Task<DateTimeOffset> RollBackTwiceAsync(Func<Task>? between = null)
    {
        await Scenario.Docker.RollbackAsync(Service);
        if (between is not null) await between();
        var secondAt = DateTimeOffset.UtcNow;
        await Scenario.Docker.RollbackAsync(Service);
        return secondAt;
    }

    /// <summary>Waits until the incident's stabilization clock runs (the rollback settled).</summary>
    public Task<StackView> WaitForStableSinceAsync(Func<DateTimeOffset, bool>? also = null) =>
        Scenario.WaitAsync(s => s.Incident?.StableSince is { } since && (also is null || also(since)),
            $"{Name}'s incident stable (stableSince set)");

    /// <summary>Commits on <c>main</c> after <paramref name="revision"/>, oldest first, in the repository the daemon reads.</summary>
    public async Task<IReadOnlyList<string>> CommitsAfterAsync(string revision)
    {
        var list = await Git("rev-list", "--reverse", "--first-parent", $"{revision}..main");
        return list.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public Task<string> Git(params string[] arguments) => GitCli.RunAsync(Daemon.RepositoryPath, arguments);

    public async Task<double> RealignmentsAsync(string outcome) =>
        (await Daemon.GetMetricsAsync()).Value("sprocket_reconciler_realignments_total", ("stack", Name), ("outcome", outcome)) ?? 0;

    /// <summary>Every realignment outcome counted for the stack, as <c>outcome=value</c>, sorted, for exact assertions.</summary>
    public async Task<string> RealignmentOutcomesAsync()
    {
        var samples = (await Daemon.GetMetricsAsync()).Find("sprocket_reconciler_realignments_total", ("stack", Name));
        return string.Join(",", samples.Where(s => s.Value > 0).Select(s => $"{s.Labels["outcome"]}={s.Value}").Order(StringComparer.Ordinal));
    }

    public async Task<double> EmergencyRollbacksAsync() =>
        (await Daemon.GetMetricsAsync()).Find("sprocket_reconciler_emergency_rollbacks_total", ("stack", Name)).Sum(s => s.Value);

    /// <summary>Starts watching the service from <paramref name="baseline"/> on: see <see cref="SpecWatch"/>.</summary>
    public SpecWatch WatchSpec(ServiceSnapshot baseline) => new(Scenario, baseline);

    public ValueTask DisposeAsync() => Scenario.DisposeAsync();
}

/// <summary>
/// "Never re-applied", checked across a whole window rather than at its ends: a background poll reads the service's
/// spec (image and version) and the stack document about ten times a second and keeps whatever differs from the
/// baseline, and counts the daemon's evaluations (each stamps a new <c>lastReconcile.at</c>) seen meanwhile.
/// </summary>
internal sealed class SpecWatch : IAsyncDisposable
{
    private readonly ReconcileScenario _scenario;
    private readonly ServiceSnapshot _baseline;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _changes = [];
    private readonly HashSet<DateTimeOffset> _evaluations = [];
    private readonly Task _loop;

    public SpecWatch(ReconcileScenario scenario, ServiceSnapshot baseline)
    {
        _scenario = scenario;
        _baseline = baseline;
        _loop = Task.Run(LoopAsync);
    }

    public int Polls { get; private set; }

    /// <summary>Stops watching; returns every change seen and the number of daemon evaluations observed.</summary>
    public async Task<(IReadOnlyList<string> Changes, int Evaluations, int Polls)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return (_changes, _evaluations.Count, Polls);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var now = await _scenario.Docker.SnapshotServiceAsync(_baseline.Name, _stop.Token);
                if (now.SpecImage != _baseline.SpecImage || now.VersionIndex != _baseline.VersionIndex)
                    _changes.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} version {_baseline.VersionIndex} -> {now.VersionIndex}, image {_baseline.SpecImage} -> {now.SpecImage}");
                if (await TryReadStackAsync() is { LastReconcile: { } reconcile }) _evaluations.Add(reconcile.At);
                Polls++;
                // The watch's own sampling period, not a wait for anything.
                await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // The daemon may be down (a restart story): the service is still watched meanwhile.
    private async Task<StackView?> TryReadStackAsync()
    {
        try
        {
            return await _scenario.Daemon.GetStackAsync(_scenario.Name);
        }
        catch (Exception exception) when (exception is HttpRequestException or ObjectDisposedException or TaskCanceledException && !_stop.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}

/// <summary>A tight poll for latency measurements (20 ms between reads, unlike <see cref="Eventually"/>'s back-off).</summary>
internal static class QuickPoll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}\n{diagnostics?.Invoke()}");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
