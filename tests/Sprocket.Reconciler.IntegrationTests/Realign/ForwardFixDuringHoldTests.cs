using Sprocket.Reconciler.IntegrationTests.Reconcile;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>
/// A forward fix during the hold: while the rollback stabilizes, a human commits ccc. That is the humans' answer:
/// ccc is applied, the incident ends, and nothing is written back — not even once the old deadline has passed.
/// </summary>
public sealed class ForwardFixDuringHoldTests
{
    [Fact]
    public async Task A_commit_naming_another_tag_during_stabilization_is_applied_and_nothing_is_written_back()
    {
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", "10s");
        var scenario = story.Scenario;
        await story.RollBackAndWaitForHoldAsync();
        await story.WaitForRollbackCompletedAsync();
        var stable = await story.WaitForStableSinceAsync();
        var oldDeadline = stable.Incident!.StabilizationDeadline!.Value;

        var fix = await scenario.CommitTagAsync(GitCcc);
        Assert.True(DateTimeOffset.UtcNow < oldDeadline, $"the fix was committed after the deadline {oldDeadline:O}; the story needs it before");
        var synced = await scenario.WaitForRevisionAsync(fix,
            s => s.Status == "synced" && s.Hold is null && s.Incident is null && s.OnlyService.LiveTag == GitCcc,
            $"{story.Name} synced at the forward fix {GitCcc}", TimeSpan.FromSeconds(60));
        await scenario.WaitForServicesAtAsync(GitCcc, "the forward fix");
        Assert.Equal((GitCcc, "Succeeded"), (scenario.History()[^1].Tag, scenario.History()[^1].Outcome));
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);

        // The old deadline's timer fires into a stack with no incident: an evaluation after it still writes nothing.
        var before = await scenario.SnapshotsAsync();
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "synced" && s.Incident is null && s.Desired.Revision == fix,
            "after the forward fix", evaluations: 2);
        await scenario.WaitAsync(s => s.LastReconcile?.At > oldDeadline.AddSeconds(1) && s.Status == "synced" && s.Incident is null,
            "an evaluation after the old stabilization deadline", TimeSpan.FromSeconds(30));
        Assert.Equal([fix], await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal("", await story.RealignmentOutcomesAsync());
        Assert.Equal("none", synced.OnlyService.Drift);
    }
}
