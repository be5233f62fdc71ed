using Sprocket.Reconciler.IntegrationTests.Reconcile;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>
/// The on-call undoes their rollback during stabilization (a second <c>--rollback</c> swaps back to bbb, which git
/// names): desired == live again, so the stack is synced, there is nothing to realign, and the incident is over —
/// no write-back at the old deadline, and no incident left on a synced stack.
/// </summary>
public sealed class RollbackUndoneTests
{
    [Fact]
    public async Task Rolling_forward_again_during_stabilization_ends_the_incident_without_a_write_back()
    {
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", "6s");
        var scenario = story.Scenario;
        await story.RollBackAndWaitForHoldAsync();
        await story.WaitForRollbackCompletedAsync();
        var deadline = (await story.WaitForStableSinceAsync()).Incident!.StabilizationDeadline!.Value;

        await scenario.Docker.RollbackAsync(story.Service);
        await scenario.WaitForServicesAtAsync(GitBbb, "the on-call's second rollback, back to bbb");
        await scenario.WaitAsync(s => s.LastReconcile?.At > deadline.AddSeconds(1) && s.Status == "synced" && s.Hold is null,
            $"{story.Name} synced at {GitBbb} after the old deadline", TimeSpan.FromSeconds(30));

        Assert.Empty(await story.CommitsAfterAsync(story.BbbRevision));
        Assert.DoesNotContain("commit", await story.RealignmentOutcomesAsync(), StringComparison.Ordinal);
        var synced = await scenario.GetAsync();
        Assert.True(synced.Incident is null, $"a synced stack still shows the incident: {synced}");
    }
}
