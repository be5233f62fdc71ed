using System.Text.Json.Nodes;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Realign;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests.OnCall;

/// <summary>
/// The on-call engineer's <c>docker service update --rollback</c> at the agent's worst moments: while the agent's own
/// update of the service (swarm engine, and the Pulumi stand-in's <c>pulumi up</c>) is still rolling out, and a second
/// rollback while the first one's stabilization clock runs. Each time the agent must not fight them: it never puts the
/// rolled-away tag back, holds as an emergency rollback (one incident), ends its own apply with a clear outcome, and
/// realigns git and the engine with what runs exactly once after the stabilization window.
/// </summary>
[Collection(PulumiAndOnCallFaultSuite.Name)]
public sealed class OnCallRollbackFaultTests(ITestOutputHelper output)
{
    private const int StabilizationSeconds = 4;
    private static readonly TimeSpan Stabilization = TimeSpan.FromSeconds(StabilizationSeconds);

    /// <summary>Keeps each update "updating" long enough for the on-call to roll it back while the agent waits on it.</summary>
    private const string SlowMonitor = "15s";

    [Theory]
    [InlineData(Engines.Swarm)]
    [InlineData(Engines.Pulumi)]
    public async Task Rollback_of_our_running_update_is_held_as_the_on_calls_emergency_and_realigned_once(string engine)
    {
        await using var story = await RealignStory.StartDeployingAsync(engine, "commit", $"{StabilizationSeconds}s",
            options => options with { SwarmUpdateArguments = ["--update-monitor", SlowMonitor], PulumiUpdateMonitor = SlowMonitor });
        var scenario = story.Scenario;
        var bbbDigest = await scenario.Registry.DigestOfAsync(Web, GitBbb);
        await WaitUntilMidApplyAsync(scenario, story.Service, bbbDigest);
        var upsBefore = Ups(scenario);

        var follow = new StatusFollower(scenario);
        await scenario.Docker.RollbackAsync(story.Service);
        await using var watch = WrongApplyWatch.Start(scenario, story.Service, bbbDigest);

        var (held, heldAt) = await follow.UntilAsync(s => s is { Status: "held", Hold.Reason: "emergency-rollback" },
            TimeSpan.FromSeconds(60), $"{story.Name} held as an emergency rollback after the on-call rolled our update back");
        await AssertHeldMetricsAsync(story);
        var (synced, syncedAt) = await follow.UntilAsync(s => s is { Status: "synced", Incident: null, Desired.ImageTag: GitAaa },
            TimeSpan.FromSeconds(90), $"{story.Name} realigned: synced at {GitAaa}");
        var returns = await watch.StopAsync();
        output.WriteLine($"{engine}: {follow.Describe()}");

        // The agent ended its apply clearly, never as "succeeded" and never left open; nothing re-applied bbb.
        var deploy = Assert.Single(scenario.History(), row => row.Tag == GitBbb);
        Assert.NotNull(deploy.FinishedAt);
        Assert.Equal(engine == Engines.Swarm ? "RolledBackByOnCall" : "Failed", deploy.Outcome);
        Assert.Contains(engine == Engines.Swarm ? "the on-call rolled the update" : "rolled back", deploy.Message, StringComparison.Ordinal);
        // The calls log records a run when it ends: the up in flight at the rollback, then the align's.
        var extraUps = engine == Engines.Pulumi ? Ups(scenario) - upsBefore - 2 : 0;
        var wrongApplies = returns.Count + Math.Max(0, extraUps);
        Assert.True(returns.Count == 0, $"the agent put {GitBbb} back after the on-call's rollback:\n{string.Join('\n', returns)}");
        if (engine == Engines.Pulumi)
            Assert.True(extraUps == 0, $"pulumi up ran {Ups(scenario) - upsBefore - 1} times after the rollback (one expected: the align): "
                + string.Join("; ", scenario.Pulumi!.Calls().Where(call => call.IsUp)));

        // What the on-call saw: applying, then held as their emergency rollback (never as Swarm's failed update), then synced.
        Assert.DoesNotContain(follow.Seen, seen => seen.Word.Contains("failed-update-rollback", StringComparison.Ordinal));
        Assert.Equal(1, await story.EmergencyRollbacksAsync());
        Assert.Equal(1, await TimelineCountAsync(story, "emergency-rollback"));
        Assert.Equal(0, await TimelineCountAsync(story, "hold"));
        Assert.Equal(GitBbb, held.Incident?.BadTag);

        // Realigned exactly once: one commit naming aaa, one align.
        var commit = Assert.Single(await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal(commit, synced.Desired.Revision);
        Assert.Equal("aligned=1,commit=1", await story.RealignmentOutcomesAsync());
        var align = Assert.Single(scenario.History(), row => row.Tag == GitAaa);
        Assert.Equal("Succeeded", align.Outcome);

        output.WriteLine($"{engine}: held {heldAt.TotalSeconds:0.0} s after the rollback; synced {syncedAt.TotalSeconds:0.0} s "
                         + $"({(syncedAt - Stabilization).TotalSeconds:0.0} s without the {StabilizationSeconds} s stabilization window)");
        RecoveryRecord.Write(output, $"on-call rollback of our update ({engine})", "mid-apply", wrongApplies, heldAt);
        RecoveryRecord.Write(output, $"on-call rollback of our update ({engine})", "mid-apply, to realigned minus stabilization", wrongApplies,
            syncedAt - Stabilization);
    }

    [Fact]
    public async Task A_second_rollback_during_stabilization_keeps_one_hold_one_incident_and_realigns_once()
    {
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", $"{StabilizationSeconds}s");
        var scenario = story.Scenario;
        var first = await story.RollBackAndWaitForStabilizationAsync();
        var bbbDigest = await scenario.Registry.DigestOfAsync(Web, GitBbb);

        // The first of the two rollbacks swaps the spec back to bbb, the tag git names: while Swarm rolls back to it, the
        // old aaa task still runs, so the stack is not synced and the incident is not over.
        var follow = new StatusFollower(scenario);
        StackView? atBbb = null;
        var secondAt = await story.RollBackTwiceAsync(async () =>
            (atBbb, _) = await follow.UntilAsync(s => s.OnlyService.LiveTag == GitBbb, TimeSpan.FromSeconds(20),
                $"{story.Name} evaluated with the spec back at {GitBbb}"));
        await using var watch = WrongApplyWatch.Start(scenario, story.Service, bbbDigest);
        Assert.True(atBbb!.OnlyService.UpdateState == "rollback_started",
            $"the daemon first saw the spec at {GitBbb} only after Swarm's rollback to it had completed; the story needs it during: {atBbb}");
        Assert.True(atBbb is { Status: "held", Hold.Reason: "emergency-rollback" }, $"while Swarm rolled back to {GitBbb} the stack was not held: {atBbb}");
        Assert.Equal(first.DetectedAt, atBbb.Incident?.DetectedAt);

        // Measured from the moment the second rollback was issued, not from the follower's start.
        var sinceSecond = secondAt - follow.StartedAt;
        var (rearmed, rearmedAt) = await follow.UntilAsync(
            s => s is { Status: "held", Hold.Reason: "emergency-rollback" } && s.OnlyService.LiveTag == GitAaa
                 && (s.Incident?.StableSince is null || s.Incident.StableSince >= secondAt),
            TimeSpan.FromSeconds(30), $"{story.Name} held with the second rollback seen (the clock restarted)");
        var (synced, syncedAt) = await follow.UntilAsync(s => s is { Status: "synced", Incident: null, Desired.ImageTag: GitAaa },
            TimeSpan.FromSeconds(60), $"{story.Name} realigned after the second rollback");
        var returns = await watch.StopAsync();
        output.WriteLine(follow.Describe());

        // Held all along until the realignment's align: never synced (or anything else) in between.
        var afterHold = follow.Seen.Select(seen => seen.Word).SkipWhile(word => word == "held/emergency-rollback").SkipWhile(word => word == "applying");
        Assert.True(afterHold.SequenceEqual(["synced"]), $"the hold lapsed during the second rollback: {follow.Describe()}");
        Assert.Equal(first.DetectedAt, rearmed.Incident!.DetectedAt);
        Assert.True(returns.Count == 0, $"the agent put {GitBbb} back:\n{string.Join('\n', returns)}");
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);

        // One incident (one hold, one timeline entry); the counter counts the on-call's two rollbacks to aaa.
        Assert.Equal(1, await TimelineCountAsync(story, "emergency-rollback"));
        Assert.Equal(2, await story.EmergencyRollbacksAsync());
        var commit = Assert.Single(await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal(commit, synced.Desired.Revision);
        Assert.Equal("aligned=1,commit=1", await story.RealignmentOutcomesAsync());

        var recovery = rearmedAt - sinceSecond;
        output.WriteLine($"second rollback: hold re-armed {recovery.TotalSeconds:0.0} s after it; synced {(syncedAt - sinceSecond).TotalSeconds:0.0} s after it "
                         + $"({(syncedAt - sinceSecond - Stabilization).TotalSeconds:0.0} s without the stabilization window)");
        RecoveryRecord.Write(output, "second on-call rollback", "stabilization", returns.Count, recovery);
        RecoveryRecord.Write(output, "second on-call rollback", "stabilization, to realigned minus stabilization", returns.Count,
            syncedAt - sinceSecond - Stabilization);
    }

    [Theory]
    [InlineData(Engines.Swarm)]
    [InlineData(Engines.Pulumi)]
    public async Task A_rollback_at_the_realignment_is_a_new_emergency_held_and_realigned_without_a_swarm_update(string engine)
    {
        // Pulumi: every up of the daemon sleeps 3 s after taking the lock, a window in which the align's up is certainly running.
        await using var story = await RealignStory.StartAsync(engine, "commit", $"{StabilizationSeconds}s",
            options => engine == Engines.Pulumi ? options with { StandinSwitches = [("SPROCKET_STANDIN_SLOW_UP", "3")] } : options);
        var scenario = story.Scenario;
        await story.RollBackAndWaitForStabilizationAsync();
        var aaaDigest = await scenario.Registry.DigestOfAsync(Web, GitAaa);
        var upsBefore = Ups(scenario);

        // The realignment's write-back lands in git; the on-call rolls back again (to bbb, the spec Swarm keeps as
        // previous): swarm at once (its align only checks the digests, in milliseconds), Pulumi while the align's up runs.
        await QuickPoll.UntilAsync(async () => (await story.CommitsAfterAsync(story.BbbRevision)).Count == 1, TimeSpan.FromSeconds(40),
            $"{story.Name}'s write-back of {GitAaa} in git");
        if (engine == Engines.Pulumi)
            await QuickPoll.UntilAsync(async () => await scenario.GetAsync() is { Status: "applying", Desired.ImageTag: GitAaa }, TimeSpan.FromSeconds(40),
                $"{story.Name}'s align of {GitAaa} under way");
        var follow = new StatusFollower(scenario);
        // The swarm align takes milliseconds, so the rollback may land before, during or after it: say which path ran,
        // from the align's history row for aaa as the rollback was sent.
        var align = scenario.History().LastOrDefault(row => row.Tag == GitAaa);
        await scenario.Docker.RollbackAsync(story.Service);
        await using var watch = WrongApplyWatch.Start(scenario, story.Service, aaaDigest);
        var path = align is null ? "after the write-back, before the align"
            : align.FinishedAt is null ? "after the write-back, during the align" : "after the write-back and the align";
        output.WriteLine($"rollback sent {path}");

        var (held, heldAt) = await follow.UntilAsync(
            s => s is { Status: "held", Hold.Reason: "emergency-rollback", Incident: { BadTag: GitAaa, GoodTag: GitBbb } },
            TimeSpan.FromSeconds(40), $"{story.Name} held on the on-call's rollback to {GitBbb} during the realignment");
        var (synced, syncedAt) = await follow.UntilAsync(s => s is { Status: "synced", Incident: null, Desired.ImageTag: GitBbb },
            TimeSpan.FromSeconds(60), $"{story.Name} realigned again: synced at {GitBbb}");
        var returns = await watch.StopAsync();
        output.WriteLine(follow.Describe());

        Assert.True(returns.Count == 0, $"the agent put {GitAaa} back over the on-call's rollback:\n{string.Join('\n', returns)}");
        Assert.Equal(GitAaa, held.Incident!.BadTag);
        Assert.DoesNotContain(follow.Seen, seen => seen.Word.Contains("failed-update-rollback", StringComparison.Ordinal));
        // Each rollback is one incident: bbb -> aaa, then aaa -> bbb; each realigned once (one commit each).
        Assert.Equal(2, await TimelineCountAsync(story, "emergency-rollback"));
        Assert.Equal(2, await story.EmergencyRollbacksAsync());
        var commits = await story.CommitsAfterAsync(story.BbbRevision);
        Assert.Equal(2, commits.Count);
        Assert.Equal(commits[1], synced.Desired.Revision);
        Assert.Equal(2, await story.RealignmentsAsync("commit"));
        // The agent deployed bbb once, at the start; every later row is an align that changed nothing in Swarm.
        Assert.Equal("Succeeded", scenario.History()[^1].Outcome);
        if (engine == Engines.Pulumi)
            Assert.DoesNotContain(scenario.Pulumi!.Calls().Where(call => call.IsUp).Skip(upsBefore), call => call.Argv.Contains("--refresh"));

        output.WriteLine($"rollback at the realignment: held {heldAt.TotalSeconds:0.0} s after it; synced {syncedAt.TotalSeconds:0.0} s after it "
                         + $"({(syncedAt - Stabilization).TotalSeconds:0.0} s without the stabilization window)");
        var moment = engine == Engines.Pulumi ? "mid-realignment (the align's pulumi up)" : $"mid-realignment ({path})";
        RecoveryRecord.Write(output, $"on-call rollback during the realignment ({engine})", moment, returns.Count, heldAt);
        RecoveryRecord.Write(output, $"on-call rollback during the realignment ({engine})", moment + ", to realigned minus stabilization", returns.Count,
            syncedAt - Stabilization);
    }

    /// <summary>Waits until the agent's apply of bbb runs: its history row open, Swarm updating the service to bbb's digest.</summary>
    private static async Task WaitUntilMidApplyAsync(ReconcileScenario scenario, string service, string bbbDigest) =>
        await Eventually.UntilValue(async () =>
        {
            var open = scenario.History().Any(row => row.Tag == GitBbb && row.FinishedAt is null);
            var snapshot = await scenario.Docker.SnapshotServiceAsync(service);
            return open && snapshot.UpdateState == "updating" && snapshot.SpecImage.Contains(bbbDigest, StringComparison.Ordinal);
        }, mid => mid, TimeSpan.FromSeconds(60), $"the agent's update of {service} to {GitBbb} under way");

    private static int Ups(ReconcileScenario scenario) => scenario.Pulumi?.Calls().Count(call => call.IsUp) ?? 0;

    /// <summary>While held: the status metric says held and the held-since metric names the emergency rollback.</summary>
    private static async Task AssertHeldMetricsAsync(RealignStory story)
    {
        var scrape = await story.Daemon.GetMetricsAsync();
        Assert.Equal(1, scrape.Value("sprocket_reconciler_stack_status", ("stack", story.Name), ("status", "held")));
        Assert.NotNull(scrape.Value("sprocket_reconciler_stack_held_since_timestamp_seconds", ("stack", story.Name), ("reason", "emergency-rollback")));
        Assert.Empty(scrape.Find("sprocket_reconciler_stack_held_since_timestamp_seconds", ("stack", story.Name), ("reason", "failed-update-rollback")));
        Assert.Equal(0, scrape.Value("sprocket_reconciler_stack_apply_consecutive_failures", ("stack", story.Name)) ?? 0);
    }

    /// <summary>How many entries of <paramref name="kind"/> the stack's timeline holds.</summary>
    private static async Task<int> TimelineCountAsync(RealignStory story, string kind)
    {
        using var response = await story.Daemon.GetAsync($"api/v1/stacks/{story.Name}/events?limit=500");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["items"]!.AsArray().Count(item => (string?)item!["kind"] == kind);
    }
}
