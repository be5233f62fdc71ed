using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Docker;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests.Engine;

/// <summary>
/// Issue 12, the Docker engine gone for the agent: only the daemon's own connection to node 1's engine is cut (a
/// <see cref="UnixSocketProxy"/> in front of the real socket, owned by the test), while the engine itself runs on and an
/// on-call rollback is issued on its real socket. The same event-stream loss as an engine restart, without touching
/// the shared engine, so it runs beside the other test projects; <see cref="EngineRestartFaultTests"/> restarts the real
/// dockerd.
/// </summary>
[Collection(RemoteFaultSuite.Name)]
public sealed class EngineConnectionFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_rollback_made_while_the_agent_cannot_reach_the_engine_is_held_once_it_can_and_never_reverted()
    {
        await using var proxy = EngineProxy.Start();
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa) { ExtraArguments = proxy.DaemonArguments });
        var service = scenario.ServiceNames[0];
        var revision = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(revision, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{scenario.Name} synced at {GitBbb}");

        proxy.Cut();
        var cut = Stopwatch.StartNew();
        var unreachable = await EngineStatus.WaitUnreachableAsync(scenario.Daemon, "the agent's engine connection is cut");
        output.WriteLine($"engine unreachable visible after {cut.Elapsed.TotalSeconds:0.0} s: {unreachable}");

        // The on-call engineer rolls back on the real engine while the agent's stream is down: the agent sees no event.
        await scenario.Docker.RunAsync("service", "update", "--rollback", "--detach", service);
        var rolledBack = await Eventually.UntilValue(() => scenario.Docker.SnapshotServiceAsync(service), s => s.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(45), $"{service} rollback_completed");
        Assert.Contains(":" + GitAaa + "@", rolledBack.SpecImage, StringComparison.Ordinal);
        var duringCut = await scenario.GetAsync();
        Assert.Equal(GitBbb, duringCut.OnlyService.LiveTag);

        proxy.Restore();
        var restored = Stopwatch.StartNew();
        var held = await scenario.WaitAsync(s => s is { Status: "held", Hold.Reason: "emergency-rollback" }, $"{scenario.Name} held after the engine answers again");
        var recovery = restored.Elapsed;
        await EngineStatus.WaitReachableAsync(scenario.Daemon, "the connection restored");
        Assert.Equal(("emergency-rollback", GitAaa), (held.OnlyService.Drift, held.OnlyService.LiveTag));

        // Held, not reverted: the rolled-back spec stays as the on-call left it over several evaluations.
        await scenario.AssertNothingAppliedAsync([rolledBack], s => s.Status == "held", "held after the engine answers again");
        Assert.Single(scenario.History(), row => row.Tag == GitBbb && row.Outcome == "Succeeded");
        Assert.Single(scenario.History());
        RecoveryRecord.Write(output, "engine connection lost (socket proxy cut), on-call rollback meanwhile", "idle", 0, recovery);
    }

    [Fact]
    public async Task Losing_the_engine_is_reported_at_once_not_at_the_next_resync_and_cleared_once_it_answers()
    {
        await using var proxy = EngineProxy.Start();
        // No resync and no leader check (whose change of role would ask for one) to fall back on for the whole test: only
        // the event stream's loss and return can ask for the evaluations, as on a standby, whose role never changes.
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa)
        {
            ExtraArguments = [.. proxy.DaemonArguments, "--Reconciler:ResyncInterval=00:30:00", "--Reconciler:Docker:LeaderCheckInterval=00:30:00"],
        });

        proxy.Cut();
        var cut = Stopwatch.StartNew();
        await EngineStatus.WaitUnreachableAsync(scenario.Daemon, "the connection cut, no resync due", TimeSpan.FromSeconds(10), leaderChecked: false);
        output.WriteLine($"engine unreachable reported {cut.Elapsed.TotalSeconds:0.0} s after the cut");

        proxy.Restore();
        var restored = Stopwatch.StartNew();
        await EngineStatus.WaitReachableAsync(scenario.Daemon, "the connection restored, no resync due", TimeSpan.FromSeconds(15));
        var recovery = restored.Elapsed;
        Assert.Equal("synced", (await scenario.GetAsync()).Status);
        Assert.Empty(scenario.History());
        RecoveryRecord.Write(output, "engine connection lost (socket proxy cut), no resync due", "idle", 0, recovery);
    }

    [Fact]
    public async Task An_engine_lost_mid_apply_leaves_the_apply_to_finish_once_and_never_sends_the_update_again()
    {
        var outage = TimeSpan.FromSeconds(6);
        await using var proxy = EngineProxy.Start();
        // Swarm keeps the update "updating" through its monitor period: a wide, certain mid-apply window.
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa)
        {
            SwarmUpdateArguments = ["--update-monitor", "12s"],
            ExtraArguments = proxy.DaemonArguments,
        });
        var service = scenario.ServiceNames[0];
        var revision = await scenario.CommitTagAsync(GitBbb);
        var atCut = await EngineStatus.WaitUntilMidApplyAsync(scenario, service, GitBbb);
        var startedAtCut = await EngineStatus.UpdateStartedAsync(scenario, service);

        proxy.Cut();
        var cut = Stopwatch.StartNew();
        await EngineStatus.WaitUnreachableAsync(scenario.Daemon, "the agent's engine connection is cut mid-apply");
        // The fault's length, not a synchronisation: the apply's convergence wait meets the outage for several looks.
        await Task.Delay(outage - cut.Elapsed > TimeSpan.Zero ? outage - cut.Elapsed : TimeSpan.Zero);
        Assert.True(scenario.History().Single().FinishedAt is null, "the apply ended while the engine could not be asked: " + string.Join("; ", scenario.History()));

        proxy.Restore();
        var restored = Stopwatch.StartNew();
        await EngineStatus.WaitReachableAsync(scenario.Daemon, "the connection restored mid-apply");
        var recovery = restored.Elapsed;
        await scenario.WaitForRevisionAsync(revision, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{scenario.Name} synced at {GitBbb}",
            TimeSpan.FromSeconds(60));
        output.WriteLine($"ready {recovery.TotalSeconds:0.0} s after the connection came back; synced {restored.Elapsed.TotalSeconds:0.0} s (Swarm's monitor period)");

        // One update: the one Swarm was running at the cut (same start, previous spec still aaa's), recorded as succeeded.
        var after = await scenario.Docker.SnapshotServiceAsync(service);
        Assert.Equal((atCut.SpecImage, atCut.PreviousSpecImage, startedAtCut, "completed"),
            (after.SpecImage, after.PreviousSpecImage, await EngineStatus.UpdateStartedAsync(scenario, service), after.UpdateState));
        var row = Assert.Single(scenario.History());
        Assert.Equal((GitBbb, "Succeeded"), (row.Tag, row.Outcome));
        await scenario.AssertNothingAppliedAsync([after], s => s.Status == "synced", "synced after the engine came back");
        var scrape = await scenario.Daemon.GetMetricsAsync();
        Assert.Equal(0, scrape.Value("sprocket_reconciler_stack_apply_consecutive_failures", ("stack", scenario.Name)) ?? 0);
        RecoveryRecord.Write(output, "engine connection lost (socket proxy cut) 6 s", "mid-apply", 0, recovery);
    }
}
