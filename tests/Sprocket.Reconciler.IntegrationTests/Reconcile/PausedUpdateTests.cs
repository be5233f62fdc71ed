using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// An update of ours that Swarm pauses (the services keep Swarm's default failure action, <c>pause</c>): the apply
/// record and the stack's message both say why, in the failed task's own words, not only "rolling out (paused)".
/// </summary>
public sealed class PausedUpdateOnSwarmTests
{
    // git-dead000 exits at once (tests/env/swarm.sh); dockerd 20.10 writes this into the failed task's Status.Err.
    private const string TaskError = "task: non-zero exit (1)";

    [Fact]
    public async Task An_update_Swarm_pauses_names_the_task_error_in_the_apply_record_and_the_stack_message()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa));
        var service = scenario.ServiceNames[0];

        var dead = await scenario.CommitTagAsync(GitDead);
        var paused = await scenario.WaitForRevisionAsync(dead,
            s => s.OnlyService.UpdateState == "paused" && s.Message.Contains(TaskError, StringComparison.Ordinal),
            $"{scenario.Name}'s message naming the task error once Swarm paused {GitDead}", TimeSpan.FromSeconds(60));
        Assert.Contains($"{service} rolling out (paused), task error: {TaskError}", paused.Message, StringComparison.Ordinal);

        var record = await Eventually.UntilValue(() => Task.FromResult(scenario.History().LastOrDefault(row => row.Tag == GitDead)),
            row => row?.FinishedAt is not null, TimeSpan.FromSeconds(30), $"the apply record of {GitDead}");
        Assert.Equal("Failed", record!.Outcome);
        Assert.Contains($"{service}: Swarm paused the update to {GitDead}", record.Message, StringComparison.Ordinal);
        Assert.Contains($"task error: {TaskError}", record.Message, StringComparison.Ordinal);
    }
}
