using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 9 for a hold the policy put: after the on-call's rollback, a restart on the same DataDirectory finds the
/// same hold (same <c>since</c>: remembered, not re-derived), applies nothing, and a human's resume re-applies git's tag.
/// </summary>
public abstract class EmergencyHoldRestartTests(string engine)
{
    [Fact]
    public async Task An_emergency_rollback_hold_survives_a_restart_and_resume_applies()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(engine, GitAaa));
        var service = scenario.ServiceNames[0];
        var bbb = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(bbb, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb,
            $"{scenario.Name} synced at {GitBbb}");
        await scenario.Docker.RollbackAsync(service);
        var held = await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Reason == "emergency-rollback",
            $"{scenario.Name} held after the on-call's rollback");
        await Eventually.UntilValue(() => scenario.Docker.SnapshotServiceAsync(service), s => s.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(30), $"{service} rollback_completed");
        var before = await scenario.SnapshotsAsync();

        Assert.Equal(0, await scenario.Daemon.StopAsync());
        await scenario.Daemon.RestartAsync();
        var restarted = await scenario.WaitAsync(s => s.Status == "held", $"{scenario.Name} held after the restart");
        Assert.Equal(("emergency-rollback", held.Hold!.Since), (restarted.Hold!.Reason, restarted.Hold.Since));
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "held" && s.Hold?.Reason == "emergency-rollback", "held across a restart");
        Assert.Single(scenario.History());

        // The on-call's decision is undone only by a human: resume re-applies what git names.
        await scenario.PostAsync("resume");
        await scenario.WaitForServicesAtAsync(GitBbb, "resume after the restart", TimeSpan.FromSeconds(25));
        var synced = await scenario.WaitAsync(s => s.Status == "synced" && s.Hold is null, $"{scenario.Name} synced at {GitBbb} after resume");
        Assert.Equal(GitBbb, synced.OnlyService.LiveTag);
        Assert.Equal(2, scenario.History().Count(row => row.Tag == GitBbb && row.Outcome == "Succeeded"));
    }
}

public sealed class EmergencyHoldRestartOnSwarmTests() : EmergencyHoldRestartTests(Engines.Swarm);

public sealed class EmergencyHoldRestartOnPulumiTests() : EmergencyHoldRestartTests(Engines.Pulumi);
