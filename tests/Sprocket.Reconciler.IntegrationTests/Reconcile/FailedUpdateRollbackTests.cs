using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 4: an update Swarm rolls back by itself (the image exits at once) holds the stack under
/// <c>onFailedUpdateRollback: hold</c>; the failing tag is never retried, and the next tag git names is applied.
/// </summary>
public abstract class FailedUpdateRollbackTests(string engine)
{
    [Fact]
    public async Task A_tag_swarm_rolled_back_is_held_never_retried_and_a_later_tag_applies()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(engine, GitAaa) { RollbackOnFailure = true });
        var service = scenario.ServiceNames[0];

        var dead = await scenario.CommitTagAsync(GitDead);
        var held = await scenario.WaitForRevisionAsync(dead,
            s => s.Status == "held" && s.Hold?.Reason == "failed-update-rollback", $"{scenario.Name} held after Swarm rolled {GitDead} back",
            TimeSpan.FromSeconds(60));
        Assert.Contains(GitDead, held.Message, StringComparison.Ordinal);
        Assert.False(held.Hold!.Manual);

        // The rollback must have finished before the window starts: Swarm itself still changes the service until then.
        await scenario.WaitForServicesAtAsync(GitAaa, "Swarm's rollback");
        await Eventually.UntilValue(() => scenario.Docker.SnapshotServiceAsync(service), s => s.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(30), $"{service} rollback_completed");
        var before = await scenario.SnapshotsAsync();
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "held" && s.Hold?.Reason == "failed-update-rollback",
            $"{GitDead} was rolled back", evaluations: 4);
        var deadApplies = scenario.History().Where(row => row.Tag == GitDead).ToList();
        Assert.True(deadApplies.Count == 1, $"{GitDead} applied {deadApplies.Count} times: {string.Join("; ", deadApplies)}");

        var fix = await scenario.CommitTagAsync(GitCcc);
        var synced = await scenario.WaitForRevisionAsync(fix, s => s.Status == "synced" && s.Hold is null,
            $"{scenario.Name} synced at {GitCcc} after the hold", TimeSpan.FromSeconds(60));
        Assert.Equal(GitCcc, synced.OnlyService.LiveTag);
        await scenario.WaitForServicesAtAsync(GitCcc, "the forward fix");
        Assert.Equal("Succeeded", scenario.History().Last().Outcome);
    }
}

public sealed class FailedUpdateRollbackOnSwarmTests() : FailedUpdateRollbackTests(Engines.Swarm);

public sealed class FailedUpdateRollbackOnPulumiTests() : FailedUpdateRollbackTests(Engines.Pulumi);
