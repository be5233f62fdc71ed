using Sprocket.Reconciler.IntegrationTests.Reconcile;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>
/// Humans keep committing while the rollback stabilizes. The write-back builds on what they pushed (never a forced
/// push): a change elsewhere stays and the write-back lands on top of it; a commit that set the stack's tag to a third
/// tag, which the daemon has not even seen yet when it writes back, means nothing is written and that tag is applied.
/// </summary>
public sealed class ConcurrentHumanCommitTests
{
    [Fact]
    public async Task Commits_to_other_files_and_lines_just_before_the_write_back_stay_and_the_write_back_lands_on_top()
    {
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", "8s");
        var scenario = story.Scenario;
        await story.RollBackAndWaitForHoldAsync();
        await story.WaitForRollbackCompletedAsync();
        var deadline = (await story.WaitForStableSinceAsync()).Incident!.StabilizationDeadline!.Value;

        var note = await story.Daemon.CommitFileAsync("incidents/INC-42.md", "# INC-42\nweb rolled back by on-call\n", "INC-42: incident note");
        var humanText = $"# INC-42: {story.Name} rolled back to {GitAaa} by on-call; see incidents/INC-42.md\n"
            + ReconcileYaml.Render(scenario.Stack);
        var comment = await story.Daemon.CommitDesiredStateAsync(humanText, "INC-42: comment on the stack");
        Assert.True(DateTimeOffset.UtcNow < deadline, $"the human commits landed after the deadline {deadline:O}; the story needs them before");

        var synced = await scenario.WaitAsync(s => s is { Status: "synced", Incident: null, Desired.ImageTag: GitAaa },
            $"{story.Name} synced at {GitAaa} after the write-back", TimeSpan.FromSeconds(45));
        var commits = await story.CommitsAfterAsync(story.BbbRevision);
        Assert.Equal(3, commits.Count);
        Assert.Equal([note, comment], commits.Take(2));
        var writeBack = commits[2];
        Assert.Equal(writeBack, synced.Desired.Revision);
        Assert.Equal(comment, await story.Git("rev-parse", writeBack + "^"));
        Assert.Equal("", await story.Git("rev-list", "--merges", $"{story.BbbRevision}..main"));
        Assert.Equal($"1\t1\t{RealignStory.DesiredFile}", await story.Git("diff", "--numstat", comment, writeBack));
        Assert.Equal(humanText.Replace($"imageTag: {GitBbb}", $"imageTag: {GitAaa}", StringComparison.Ordinal).TrimEnd('\n'),
            await story.Git("show", $"{writeBack}:{RealignStory.DesiredFile}"));
        Assert.Equal("# INC-42\nweb rolled back by on-call", await story.Git("show", "main:incidents/INC-42.md"));
        Assert.Equal("aligned=1,commit=1", await story.RealignmentOutcomesAsync());
    }

    [Fact]
    public async Task A_third_tag_a_human_pushed_before_the_write_back_is_not_overwritten_and_is_applied()
    {
        // Git is polled rarely and the push webhook for the human's commit is late: the write-back finds the commit first.
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", "8s", options => options with
        {
            PollInterval = RealignStory.NoPolling,
            ExtraArguments = [.. options.ExtraArguments, $"--Reconciler:GitHub:WebhookSecret={RealignStory.WebhookSecret}"],
        });
        var scenario = story.Scenario;
        await story.RollBackAndWaitForHoldAsync();
        var baseline = await story.WaitForRollbackCompletedAsync();
        await using var watch = story.WatchSpec(baseline);
        var deadline = (await story.WaitForStableSinceAsync()).Incident!.StabilizationDeadline!.Value;

        var human = await scenario.CommitTagAsync(GitCcc);
        Assert.True(DateTimeOffset.UtcNow < deadline, $"the human commit landed after the deadline {deadline:O}; the story needs it before");
        var superseded = await scenario.WaitAsync(s => s.Incident?.WriteBack is not null,
            $"{story.Name}'s write-back attempted", TimeSpan.FromSeconds(30));
        Assert.Equal(("held", "superseded", human), (superseded.Status, superseded.Incident!.WriteBack!.Kind, superseded.Incident.WriteBack.Reference));
        Assert.Equal(story.BbbRevision, superseded.Desired.Revision);
        Assert.Equal([human], await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal("superseded=1", await story.RealignmentOutcomesAsync());
        var (changes, _, _) = await watch.StopAsync();
        Assert.True(changes.Count == 0, "the service was updated before the daemon saw the human's commit:\n" + string.Join('\n', changes));

        await GitHubPush.SendAsync(story.Daemon, RealignStory.WebhookSecret, human);
        var synced = await scenario.WaitForRevisionAsync(human, s => s is { Status: "synced", Incident: null, Hold: null } && s.OnlyService.LiveTag == GitCcc,
            $"{story.Name} synced at the human's {GitCcc}", TimeSpan.FromSeconds(45));
        await scenario.WaitForServicesAtAsync(GitCcc, "the human's tag");
        Assert.Equal([human], await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal((GitCcc, "Succeeded"), (scenario.History()[^1].Tag, scenario.History()[^1].Outcome));
        Assert.Equal("none", synced.OnlyService.Drift);
    }
}
