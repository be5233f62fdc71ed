using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 6, never fight the on-call engineer: after <c>docker service update --rollback</c> of a tag the daemon
/// applied, <c>onEmergencyRollback: hold</c> holds the stack and never re-applies that tag, not even on an API
/// reconcile; a commit naming another tag (the forward fix) ends the hold and is applied.
/// </summary>
public abstract class EmergencyRollbackTests(string engine)
{
    [Fact]
    public async Task A_manual_rollback_is_held_even_on_reconcile_and_a_forward_fix_applies()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(engine, GitAaa));
        var service = scenario.ServiceNames[0];
        var bbb = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(bbb, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb,
            $"{scenario.Name} synced at {GitBbb}");

        await scenario.Docker.RollbackAsync(service);
        var held = await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Reason == "emergency-rollback",
            $"{scenario.Name} held after the on-call's rollback");
        Assert.Equal("emergency-rollback", held.OnlyService.Drift);
        Assert.False(held.Hold!.Manual);
        await Eventually.UntilValue(() => scenario.Docker.SnapshotServiceAsync(service), s => s.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(30), $"{service} rollback_completed");
        var before = await scenario.SnapshotsAsync();
        Assert.Equal(GitAaa, held.OnlyService.LiveTag);

        var apiReconciles = await scenario.ReconcilesAsync("api");
        await scenario.PostAsync("reconcile");
        await Eventually.Until(async () => await scenario.ReconcilesAsync("api", "held") > apiReconciles, TimeSpan.FromSeconds(20),
            "the API reconcile evaluated (and held)");
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "held" && s.Hold?.Reason == "emergency-rollback",
            "the on-call rolled back and someone asked to reconcile", evaluations: 4);
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);

        var fix = await scenario.CommitTagAsync(GitCcc);
        var synced = await scenario.WaitForRevisionAsync(fix, s => s.Status == "synced" && s.Hold is null && s.OnlyService.LiveTag == GitCcc,
            $"{scenario.Name} synced at the forward fix {GitCcc}", TimeSpan.FromSeconds(60));
        await scenario.WaitForServicesAtAsync(GitCcc, "the forward fix");
        Assert.Equal("none", synced.OnlyService.Drift);
        Assert.Equal((GitCcc, "Succeeded"), (scenario.History().Last().Tag, scenario.History().Last().Outcome));
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);
    }
}

public sealed class EmergencyRollbackOnSwarmTests() : EmergencyRollbackTests(Engines.Swarm);

public sealed class EmergencyRollbackOnPulumiTests() : EmergencyRollbackTests(Engines.Pulumi);
