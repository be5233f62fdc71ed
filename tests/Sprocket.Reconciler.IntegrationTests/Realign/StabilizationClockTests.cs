using System.Globalization;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>
/// The stabilization clock: any change to what runs restarts it (here the on-call rolls back twice more, bbb then
/// aaa again), so nothing is written before the new deadline; and it is persisted, so a daemon restart during
/// stabilization resumes it — same incident, same <c>stableSince</c> — and the restarted daemon writes back.
/// </summary>
public sealed class StabilizationClockTests
{
    [Fact]
    public async Task Another_rollback_during_stabilization_restarts_the_clock()
    {
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", "6s");
        var scenario = story.Scenario;
        var first = await story.RollBackAndWaitForStabilizationAsync();
        var firstDeadline = first.StabilizationDeadline!.Value;

        // Back to bbb and at once to aaa again: what runs changed (a new rollback), though its tag did not. Only the clock
        // is asserted on here; the fault suite's OnCallRollbackFaultTests asserts the hold and the incident across it.
        var secondRollbackAt = await story.RollBackTwiceAsync();
        Assert.True(DateTimeOffset.UtcNow < firstDeadline, "the second rollback came after the first deadline; the story needs it before");

        // Follow the stack closely until synced: the write-back must come only after the new deadline.
        IncidentView? restarted = null;
        WriteBackView? writeBack = null;
        DateTimeOffset? commitSeenAt = null;
        StackView last = null!;
        await QuickPoll.UntilAsync(async () =>
        {
            last = await scenario.GetAsync();
            if (last.Incident is { StableSince: { } since } incident && since > first.StableSince) restarted ??= incident;
            if (last.Incident?.WriteBack is { } written) writeBack ??= written;
            if ((await story.CommitsAfterAsync(story.BbbRevision)).Count > 0) commitSeenAt ??= DateTimeOffset.UtcNow;
            return last is { Status: "synced", Incident: null, Desired.ImageTag: GitAaa };
        }, TimeSpan.FromSeconds(60), $"{story.Name} synced at {GitAaa} after the restarted clock", () => $"{last}\n{story.Daemon.Output.Tail()}");

        Assert.NotNull(restarted);
        Assert.True(restarted.StableSince >= secondRollbackAt, $"stable since {restarted.StableSince:O}, before the second rollback at {secondRollbackAt:O}");
        var newDeadline = restarted.StabilizationDeadline!.Value;
        Assert.True(newDeadline > firstDeadline);
        // The write-back record shows in the API only until the next git poll aligns, which may be the same evaluation.
        if (writeBack is not null)
            Assert.True(writeBack.At >= newDeadline, $"written back at {writeBack.At:O}, before the new deadline {newDeadline:O}");
        Assert.NotNull(commitSeenAt);
        Assert.True(commitSeenAt >= newDeadline, $"a commit was in git at {commitSeenAt:O}, before the new deadline {newDeadline:O}");
        var commit = Assert.Single(await story.CommitsAfterAsync(story.BbbRevision));
        if (writeBack is not null) Assert.Equal(("commit", commit), (writeBack.Kind, writeBack.Reference));
        var authored = DateTimeOffset.FromUnixTimeSeconds(long.Parse(await story.Git("log", "-1", "--format=%at", commit), CultureInfo.InvariantCulture));
        Assert.True(authored >= newDeadline.AddSeconds(-1), $"commit authored {authored:O}, before the new deadline {newDeadline:O}");
        Assert.Equal("aligned=1,commit=1", await story.RealignmentOutcomesAsync());
        Assert.True(await story.EmergencyRollbacksAsync() >= 2, "both rollbacks to aaa are counted");
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);
    }

    [Fact]
    public async Task A_restart_during_stabilization_resumes_the_clock_and_the_restarted_daemon_writes_back()
    {
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", "15s");
        var scenario = story.Scenario;
        await story.RollBackAndWaitForHoldAsync();
        var baseline = await story.WaitForRollbackCompletedAsync();
        await using var watch = story.WatchSpec(baseline);
        var before = (await story.WaitForStableSinceAsync()).Incident!;
        var deadline = before.StabilizationDeadline!.Value;

        Assert.Equal(0, await story.Daemon.StopAsync());
        Assert.Empty(await story.CommitsAfterAsync(story.BbbRevision));
        await story.Daemon.RestartAsync();
        var restartedAt = DateTimeOffset.UtcNow;
        Assert.True(restartedAt < deadline, $"the daemon came back at {restartedAt:O}, after the deadline {deadline:O}; the story needs it before");

        var resumed = await scenario.WaitAsync(s => s is { Status: "held", Incident.StableSince: not null }, $"{story.Name} held after the restart");
        Assert.Equal((before.DetectedAt, before.StableSince, deadline),
            (resumed.Incident!.DetectedAt, resumed.Incident.StableSince, resumed.Incident.StabilizationDeadline!.Value));
        Assert.Equal(GitAaa, resumed.Incident.GoodTag);
        Assert.Null(resumed.Incident.WriteBack);

        var synced = await scenario.WaitAsync(s => s is { Status: "synced", Incident: null, Desired.ImageTag: GitAaa },
            $"{story.Name} synced at {GitAaa} after the restarted daemon wrote back", TimeSpan.FromSeconds(45));
        var (changes, _, _) = await watch.StopAsync();
        Assert.True(changes.Count == 0, "the service was updated across the restart:\n" + string.Join('\n', changes));
        var commit = Assert.Single(await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal(commit, synced.Desired.Revision);
        Assert.Equal($"1\t1\t{RealignStory.DesiredFile}", await story.Git("diff", "--numstat", story.BbbRevision, commit));
        var authored = DateTimeOffset.FromUnixTimeSeconds(long.Parse(await story.Git("log", "-1", "--format=%at", commit), CultureInfo.InvariantCulture));
        Assert.True(authored >= deadline.AddSeconds(-1), $"commit authored {authored:O}, before the deadline {deadline:O}");
        // Counters start again with the process: the restarted daemon did both the write-back and the align.
        Assert.Equal("aligned=1,commit=1", await story.RealignmentOutcomesAsync());
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);
    }
}
