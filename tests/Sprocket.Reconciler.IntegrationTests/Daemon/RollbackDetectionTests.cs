using Sprocket.Reconciler.IntegrationTests.TestEnv;
using static Sprocket.Reconciler.IntegrationTests.Daemon.ContractMetrics;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// Swarm rollbacks, seen by the running daemon. Each test starts its own daemon with a poll interval far longer
/// than the test, so after the first poll only the Swarm event stream can make it notice anything: detection
/// within the deadline proves the event path.
/// </summary>
public sealed class RollbackDetectionTests : IDisposable
{
    private static readonly TimeSpan EventOnly = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan SwarmDeadline = TimeSpan.FromSeconds(60);

    // Event-driven: a rollback must show up within a few seconds, not at the next (never coming) poll.
    private static readonly TimeSpan DetectionDeadline = TimeSpan.FromSeconds(15);

    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;
    private readonly OpenRegistry _registry = new(TestEnvironment.Current.Registry);

    private string WebRepository => $"{_environment.Registry}/{SeededImages.Web}";

    [Fact]
    public async Task A_manual_rollback_is_an_emergency_rollback_counted_once()
    {
        await using var scope = SwarmServiceScope.Create();
        // Short monitors: Swarm declares an update or rollback complete only after watching the new task that long.
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa),
            ["--update-monitor", "1s", "--rollback-monitor", "1s"]);
        await WaitForRunningTaskAsync(scope.Docker, web);
        await scope.Docker.UpdateImageAsync(web, _environment.Image(SeededImages.Web, SeededImages.GitBbb));
        await WaitForUpdateStateAsync(scope.Docker, web, "completed");

        var name = scope.Prefix + "rollback";
        await using var daemon = await DaemonProcess.StartAsync(
            DesiredStateYaml.Render(new DesiredStack(name, SeededImages.GitBbb, new DesiredService(WebRepository, scope.Prefix + "web-service*"))),
            pollInterval: EventOnly);
        await daemon.WaitForRevisionAsync(name, daemon.InitialRevision, s => s.Status == "synced");

        await scope.Docker.RollbackAsync(web);
        var detected = await daemon.WaitForStackAsync(
            name, s => s.OnlyService.Drift == "emergency-rollback", "emergency-rollback after docker service update --rollback", DetectionDeadline);
        Assert.Equal("event", detected.LastReconcile?.Trigger);
        // The on-call's decision: held (onEmergencyRollback: hold), never re-applied.
        Assert.Equal("held", detected.Status);
        Assert.Equal("emergency-rollback", detected.Hold?.Reason);

        // Once complete, Swarm's message no longer says "manually requested": the verdict must survive that.
        var completed = await daemon.WaitForStackAsync(
            name, s => s.OnlyService.UpdateState == "rollback_completed", "the rollback to complete", SwarmDeadline);
        var service = completed.OnlyService;
        var aaaDigest = await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitAaa);
        Assert.Equal(("emergency-rollback", SeededImages.GitAaa, aaaDigest), (service.Drift, service.LiveTag, service.LiveDigest));
        Assert.Equal(("held", SeededImages.GitBbb), (completed.Status, completed.Desired.ImageTag));
        Assert.Contains("emergency-rollback", completed.Message, StringComparison.Ordinal);

        var metrics = await daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "held");
        AssertServiceDrift(metrics, name, web, "emergency-rollback");
        AssertImageInfo(metrics, name, web, SeededImages.GitBbb, SeededImages.GitAaa, aaaDigest);
        // Seen in several evaluations (rollback_started, rollback_completed), counted once.
        Assert.Equal(1, EmergencyRollbacksOf(metrics, name, web));
    }

    [Fact]
    public async Task Swarm_rolling_back_a_failed_update_is_a_failed_update_rollback_not_an_emergency()
    {
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        await WaitForRunningTaskAsync(scope.Docker, web);

        var name = scope.Prefix + "failed";
        await using var daemon = await DaemonProcess.StartAsync(
            DesiredStateYaml.Render(new DesiredStack(name, SeededImages.GitDead, new DesiredService(WebRepository, scope.Prefix + "web-service*"))),
            pollInterval: EventOnly);
        await daemon.WaitForRevisionAsync(name, daemon.InitialRevision, s => s.Status == "out-of-sync");

        // git-dead000 exits at once; with failure action rollback Swarm rolls back by itself (FACTS.md §2).
        await scope.Docker.UpdateImageAsync(web, _environment.Image(SeededImages.Web, SeededImages.GitDead),
            ["--update-failure-action", "rollback", "--update-monitor", "2s"]);
        var detected = await daemon.WaitForStackAsync(
            name, s => s.OnlyService.Drift == "failed-update-rollback", "failed-update-rollback after the failing update", SwarmDeadline);
        Assert.Equal("event", detected.LastReconcile?.Trigger);

        // After completion Swarm's message reads "rollback completed", as after a manual one: still not an emergency.
        var completed = await daemon.WaitForStackAsync(
            name, s => s.OnlyService.UpdateState == "rollback_completed", "the automatic rollback to complete", SwarmDeadline);
        var service = completed.OnlyService;
        var aaaDigest = await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitAaa);
        Assert.Equal(("failed-update-rollback", SeededImages.GitAaa, aaaDigest), (service.Drift, service.LiveTag, service.LiveDigest));
        Assert.Equal(("drifted", SeededImages.GitDead), (completed.Status, completed.Desired.ImageTag));
        // Why Swarm rolled back, in the failed task's own words (its Status.Err), not only the drift class.
        Assert.Contains($"{web}: failed-update-rollback (live {SeededImages.GitAaa}, desired {SeededImages.GitDead}), task error: task: non-zero exit (1)",
            completed.Message, StringComparison.Ordinal);
        Assert.Null((await scope.Docker.SnapshotServiceAsync(web)).PreviousSpecImage);

        var metrics = await daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "drifted");
        AssertServiceDrift(metrics, name, web, "failed-update-rollback");
        AssertImageInfo(metrics, name, web, SeededImages.GitDead, SeededImages.GitAaa, aaaDigest);
        Assert.Equal(0, EmergencyRollbacksOf(metrics, name, web));
    }

    public void Dispose() => _registry.Dispose();

    private static Task WaitForRunningTaskAsync(DockerCli docker, string service) =>
        Eventually.Until(async () => await docker.RunningTaskCountAsync(service) == 1, SwarmDeadline, $"one running task of {service}");

    private static Task WaitForUpdateStateAsync(DockerCli docker, string service, string state) =>
        Eventually.UntilValue(() => docker.SnapshotServiceAsync(service), s => s.UpdateState == state, SwarmDeadline, $"{service} update state {state}");
}
