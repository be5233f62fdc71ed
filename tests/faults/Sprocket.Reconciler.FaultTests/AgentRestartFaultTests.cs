using System.Diagnostics;
using System.Globalization;
using Sprocket.Reconciler.IntegrationTests.Realign;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Sprocket.Reconciler.State;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// The agent itself is the fault: SIGKILL mid-apply and during an emergency hold's stabilization, then a restart on the
/// same data directory; SIGTERM mid-apply. Swarm keeps an update "updating" through its <c>--update-monitor</c>
/// period, which gives the kill a wide, certain mid-apply window on the real engine.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class AgentRestartFaultTests(ITestOutputHelper output)
{
    private static readonly string[] SlowUpdate = ["--update-monitor", "15s"];

    [Fact]
    public async Task Sigkill_mid_apply_then_restart_closes_the_cut_apply_and_never_updates_swarm_twice()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa) { SwarmUpdateArguments = SlowUpdate });
        var service = scenario.ServiceNames[0];
        var revision = await scenario.CommitTagAsync(GitBbb);
        var atKill = await WaitUntilMidApplyAsync(scenario, service);

        var startedAtKill = await UpdateStartedAsync(scenario, service);
        Signals.Send(scenario.Daemon.ProcessId, Signals.SigKill);
        await scenario.Daemon.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var cut = Assert.Single(scenario.History(), row => row.Tag == GitBbb);
        Assert.Null(cut.FinishedAt);

        var clock = Stopwatch.StartNew();
        await scenario.Daemon.RestartAsync();
        var healthy = clock.Elapsed;
        // Most of the wait is Swarm's own update ending (its monitor period); the agent's part is what follows it.
        TimeSpan? swarmCompleted = null;
        var synced = await Eventually.UntilValue(async () =>
        {
            if ((await scenario.Docker.SnapshotServiceAsync(service)).UpdateState == "completed") swarmCompleted ??= clock.Elapsed;
            return await scenario.Daemon.GetStackAsync(scenario.Name);
        }, s => s is not null && s.Desired.Revision == revision && s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, TimeSpan.FromSeconds(60),
            $"{scenario.Name} synced at {GitBbb} after the restart");
        var recovery = clock.Elapsed;
        output.WriteLine($"after the restart: healthy {healthy.TotalSeconds:0.0} s, Swarm's update completed {swarmCompleted?.TotalSeconds:0.0} s, synced {recovery.TotalSeconds:0.0} s");

        var after = await scenario.Docker.SnapshotServiceAsync(service);
        // One update from us: Swarm ends the update it ran when the agent died (same start, the previous spec still
        // aaa's). The version index is no witness: Swarm bumps it for every UpdateStatus change too.
        Assert.Equal((atKill.SpecImage, atKill.PreviousSpecImage, startedAtKill), (after.SpecImage, after.PreviousSpecImage, await UpdateStartedAsync(scenario, service)));
        Assert.Equal("completed", after.UpdateState);
        Assert.Equal(GitBbb, synced!.OnlyService.LiveTag);
        await scenario.AssertNothingAppliedAsync([after], s => s.Status == "synced", "the restarted daemon after the kill");
        var closed = Assert.Single(scenario.History(), row => row.Tag == GitBbb);
        Assert.Equal((cut.Id, ApplyHistory.InterruptedOutcome), (closed.Id, closed.Outcome));
        Assert.NotNull(closed.FinishedAt);
        RecoveryRecord.Write(output, "agent SIGKILL, restart", "mid-apply", 0, recovery);
    }

    [Fact]
    public async Task Sigterm_mid_apply_waits_for_swarm_to_converge_and_the_restarted_daemon_applies_nothing()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa) { SwarmUpdateArguments = SlowUpdate });
        var service = scenario.ServiceNames[0];
        var revision = await scenario.CommitTagAsync(GitBbb);
        var atSignal = await WaitUntilMidApplyAsync(scenario, service);
        var startedAtSignal = await UpdateStartedAsync(scenario, service);

        scenario.Daemon.SendSigterm();
        Assert.Equal(0, await scenario.Daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        // It waited: the apply it had started ended, as Swarm saw it end.
        var finished = Assert.Single(scenario.History(), row => row.Tag == GitBbb);
        Assert.Equal("Succeeded", finished.Outcome);
        var exited = await scenario.Docker.SnapshotServiceAsync(service);
        Assert.Equal(("completed", atSignal.SpecImage, startedAtSignal), (exited.UpdateState, exited.SpecImage, await UpdateStartedAsync(scenario, service)));

        var clock = Stopwatch.StartNew();
        await scenario.Daemon.RestartAsync();
        await scenario.WaitForRevisionAsync(revision, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb,
            $"{scenario.Name} synced at {GitBbb} after the restart", TimeSpan.FromSeconds(60));
        var recovery = clock.Elapsed;
        await scenario.AssertNothingAppliedAsync([exited], s => s.Status == "synced", "the daemon restarted after SIGTERM");
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);
        RecoveryRecord.Write(output, "agent SIGTERM, restart", "mid-apply", 0, recovery);
    }

    [Fact]
    public async Task Sigkill_during_stabilization_keeps_the_hold_the_incident_and_the_clock_and_writes_back_once()
    {
        const int StabilizationSeconds = 30;
        const int DownSeconds = 8;
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", $"{StabilizationSeconds}s");
        var scenario = story.Scenario;
        await story.RollBackAndWaitForHoldAsync();
        var baseline = await story.WaitForRollbackCompletedAsync();
        await using var watch = story.WatchSpec(baseline);
        var before = (await story.WaitForStableSinceAsync()).Incident!;
        var deadline = before.StabilizationDeadline!.Value;

        Signals.Send(story.Daemon.ProcessId, Signals.SigKill);
        await story.Daemon.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.Empty(await story.CommitsAfterAsync(story.BbbRevision));
        // The agent stays down for a while (the fault's length, not a synchronisation), so a clock restarted with the
        // process would end clearly later than the original one.
        var downUntil = before.StableSince!.Value + TimeSpan.FromSeconds(DownSeconds);
        if (downUntil > DateTimeOffset.UtcNow) await Task.Delay(downUntil - DateTimeOffset.UtcNow);
        var clock = Stopwatch.StartNew();
        var restartedAt = DateTimeOffset.UtcNow;
        await story.Daemon.RestartAsync();
        var restartedClockWouldEnd = restartedAt + TimeSpan.FromSeconds(StabilizationSeconds);
        Assert.True(deadline < restartedClockWouldEnd - TimeSpan.FromSeconds(4),
            $"the kill came too late for the story: deadline {deadline:O}, a restarted clock would end at {restartedClockWouldEnd:O}");

        var resumed = await scenario.WaitAsync(s => s is { Status: "held", Hold.Reason: "emergency-rollback", Incident.StableSince: not null },
            $"{story.Name} held after the restart");
        var holdBack = clock.Elapsed;
        Assert.Equal((before.DetectedAt, before.StableSince, deadline),
            (resumed.Incident!.DetectedAt, resumed.Incident.StableSince, resumed.Incident.StabilizationDeadline!.Value));
        Assert.Null(resumed.Incident.WriteBack);

        var synced = await scenario.WaitAsync(s => s is { Status: "synced", Incident: null, Desired.ImageTag: GitAaa },
            $"{story.Name} synced at {GitAaa} after the write-back", TimeSpan.FromSeconds(StabilizationSeconds + 30));
        var writtenBack = clock.Elapsed;
        var (changes, _, _) = await watch.StopAsync();
        Assert.True(changes.Count == 0, "the service was updated across the kill:\n" + string.Join('\n', changes));
        var commit = Assert.Single(await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal(commit, synced.Desired.Revision);
        var authored = DateTimeOffset.FromUnixTimeSeconds(long.Parse(await story.Git("log", "-1", "--format=%at", commit), CultureInfo.InvariantCulture));
        // The original clock, not one restarted from zero: written at the old deadline (whole seconds in git), well
        // before a clock restarted with the process would have ended.
        Assert.True(authored >= deadline.AddSeconds(-1), $"commit authored {authored:O}, before the deadline {deadline:O}");
        Assert.True(authored < restartedClockWouldEnd - TimeSpan.FromSeconds(2),
            $"commit authored {authored:O}: the clock restarted with the daemon (it would end at {restartedClockWouldEnd:O}; the original deadline was {deadline:O})");
        Assert.Equal("aligned=1,commit=1", await story.RealignmentOutcomesAsync());
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);
        output.WriteLine($"hold visible again {holdBack.TotalSeconds:0.0} s after the restart; written back {(authored - deadline).TotalSeconds:0.0} s after the original deadline (git's whole seconds) "
                         + $"({(restartedClockWouldEnd - deadline).TotalSeconds:0.0} s before a restarted clock would have ended); synced {writtenBack.TotalSeconds:0.0} s after the restart");
        RecoveryRecord.Write(output, "agent SIGKILL, restart", "stabilization (idle)", 0, holdBack);
    }

    /// <summary>When Swarm started the service's current update (<c>UpdateStatus.StartedAt</c>): a new update, a new time.</summary>
    private static async Task<string?> UpdateStartedAsync(ReconcileScenario scenario, string service)
    {
        var inspect = await scenario.Docker.InspectServiceAsync(service);
        return inspect.TryGetProperty("UpdateStatus", out var status) && status.TryGetProperty("StartedAt", out var started) ? started.GetString() : null;
    }

    /// <summary>Waits until the daemon's apply of <see cref="GitBbb"/> runs: its history row is open and Swarm is
    /// still updating the service to it. Returns the service as it is then.</summary>
    private static async Task<ServiceSnapshot> WaitUntilMidApplyAsync(ReconcileScenario scenario, string service) =>
        await Eventually.UntilValue(async () =>
        {
            var open = scenario.History().Any(row => row.Tag == GitBbb && row.FinishedAt is null);
            var snapshot = await scenario.Docker.SnapshotServiceAsync(service);
            return open && snapshot.UpdateState == "updating" && snapshot.SpecImage.Contains(":" + GitBbb + "@", StringComparison.Ordinal) ? snapshot : null;
        }, snapshot => snapshot is not null, TimeSpan.FromSeconds(45), $"the apply of {GitBbb} under way (history row open, {service} updating)")
        ?? throw new InvalidOperationException("unreachable");
}
