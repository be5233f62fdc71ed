using System.Net;
using System.Net.Http.Json;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Leadership;

/// <summary>
/// Only the instance beside the Swarm's Raft leader acts. Each test starts the real daemon against one
/// manager of the real three-manager test Swarm and gives it a stack whose git tag differs from what runs, under the
/// default policy (autoSync, onDrift revert): beside the leader it applies, beside a standby manager it only observes.
/// Services are created through node 1; Swarm services are cluster-wide, so both managers see them.
/// </summary>
public sealed class LeaderGatingTests : IDisposable
{
    private const string LeaderMetric = "sprocket_reconciler_leader";
    private const string ReconcilesMetric = "sprocket_reconciler_reconciles_total";

    /// <summary>Re-check the role every second (default 5 s) so the window below spans several checks too.</summary>
    private static readonly string[] FastLeaderCheck = ["--Reconciler:Docker:LeaderCheckInterval=00:00:01"];

    /// <summary>How many more evaluations the standby must make, after it first reported, before we call it "never".</summary>
    private const int ObservedEvaluations = 4;

    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;
    private readonly OpenRegistry _registry = new(TestEnvironment.Current.Registry);

    private string WebRepository => $"{_environment.Registry}/{SeededImages.Web}";

    [Fact]
    public async Task A_daemon_beside_a_standby_manager_reports_the_stack_out_of_sync_and_never_applies()
    {
        var standby = StandbyManager.DockerHost;
        await StandbyManager.AssertStandsByAsync(standby);
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        var before = await scope.Docker.SnapshotServiceAsync(web);
        var name = scope.Prefix + "standby";
        var stack = new DesiredStack(name, SeededImages.GitBbb, new DesiredService(WebRepository, scope.Prefix + "web-service*")) { Policy = [] };

        await using var daemon = await DaemonProcess.StartAsync(DesiredStateYaml.Render(stack), FastLeaderCheck, dockerHost: standby);

        // A decision, not only the observation that precedes it (whose lastReconcile outcome is "observed").
        var first = await daemon.WaitForStackAsync(name, s => s.LastReconcile is { Outcome: not "observed" }, "the standby's first decision");
        Assert.Equal(("out-of-sync", "none"), (first.Status, first.LastReconcile!.Outcome));
        Assert.Contains("standby: observing only", first.Message, StringComparison.Ordinal);
        Assert.Contains("standby: observing only", first.LastReconcile.Message, StringComparison.Ordinal);
        Assert.Equal(("none", SeededImages.GitAaa), (first.OnlyService.Drift, first.OnlyService.LiveTag));
        var readiness = await ReadinessAsync(daemon);
        Assert.Equal((HttpStatusCode.OK, "ready", "standby"), (readiness.Code, readiness.View.Status, readiness.View.Role));
        var reconcilesAtFirst = ReconcilesOf(await daemon.GetMetricsAsync(), name);

        // The window: the standby must look again several times (new reconcile records, counter ticks) while the
        // service stays exactly as created. One look would not prove much: an apply could follow any evaluation.
        var later = await Eventually.UntilValue(
            async () => (View: await daemon.GetStackAsync(name), Metrics: await daemon.GetMetricsAsync()),
            now => now.View?.LastReconcile?.At > first.LastReconcile.At && ReconcilesOf(now.Metrics, name) >= reconcilesAtFirst + ObservedEvaluations,
            DaemonProcess.DefaultWait,
            $"{ObservedEvaluations} more evaluations by the standby");

        Assert.Equal("out-of-sync", later.View!.Status);
        Assert.Contains("standby: observing only", later.View.Message, StringComparison.Ordinal);
        Assert.Equal(0, later.Metrics.Value(LeaderMetric));
        Assert.Equal(0, later.Metrics.Find(ReconcilesMetric, ("stack", name), ("outcome", "applying")).Sum(s => s.Value));
        Assert.Equal(before, await scope.Docker.SnapshotServiceAsync(web));
        Assert.Equal(SeededImages.GitAaa, later.View.OnlyService.LiveTag);
        // Standby because the engine is a manager that does not lead, not because the check failed.
        var log = daemon.Output.Tail(int.MaxValue);
        Assert.DoesNotContain("Leader check failed", log, StringComparison.Ordinal);
        Assert.DoesNotContain("This instance is now leader", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_daemon_beside_the_Raft_leader_says_leader_and_applies_the_new_tag()
    {
        await StandbyManager.AssertLeadsAsync(_environment.DockerHost);
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        var before = await scope.Docker.SnapshotServiceAsync(web);
        var name = scope.Prefix + "leader";
        var stack = new DesiredStack(name, SeededImages.GitBbb, new DesiredService(WebRepository, scope.Prefix + "web-service*")) { Policy = [] };

        await using var daemon = await DaemonProcess.StartAsync(DesiredStateYaml.Render(stack), FastLeaderCheck);

        var readiness = await Eventually.UntilValue(() => ReadinessAsync(daemon), r => r.View.Role == "leader" && r.Code == HttpStatusCode.OK,
            DaemonProcess.DefaultWait, "/readyz saying leader");
        Assert.Equal("ready", readiness.View.Status);
        var metrics = await Eventually.UntilValue(daemon.GetMetricsAsync, m => m.Value(LeaderMetric) == 1, DaemonProcess.DefaultWait, $"{LeaderMetric} 1");
        Assert.Equal(1, metrics.Value(LeaderMetric));
        var synced = await daemon.WaitForStackAsync(name, s => s.Status == "synced" && s.OnlyService.LiveTag == SeededImages.GitBbb, "the leader applying git-bbb2222");

        var after = await scope.Docker.SnapshotServiceAsync(web);
        var bbbDigest = await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitBbb);
        Assert.True(after.VersionIndex > before.VersionIndex, $"the service was not updated: {before} → {after}");
        Assert.EndsWith("@" + bbbDigest, after.SpecImage, StringComparison.Ordinal);
        Assert.Equal(bbbDigest, synced.OnlyService.LiveDigest);
        Assert.DoesNotContain("standby", synced.Message, StringComparison.Ordinal);
    }

    private static double ReconcilesOf(MetricsScrape metrics, string stack) =>
        metrics.Find(ReconcilesMetric, ("stack", stack)).Sum(s => s.Value);

    private static async Task<(HttpStatusCode Code, ReadinessView View)> ReadinessAsync(DaemonProcess daemon)
    {
        using var response = await daemon.GetAsync("readyz");
        var view = await response.Content.ReadFromJsonAsync<ReadinessView>(StackView.ContractOptions)
            ?? throw new InvalidOperationException("/readyz returned null");
        return (response.StatusCode, view);
    }

    public void Dispose() => _registry.Dispose();
}
