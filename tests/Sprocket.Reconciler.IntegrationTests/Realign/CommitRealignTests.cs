using System.Diagnostics;
using System.Globalization;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>
/// The issue's main story, <c>writeBack: commit</c>: the daemon deployed bbb over aaa; the on-call rolls back to aaa.
/// The stack is held at once and bbb is never re-applied; once the rollback has been stable for <c>stabilization</c>,
/// git gets exactly one commit changing one line to aaa, with an incident note; then the engine records aaa
/// (Pulumi: <c>config set</c> + <c>refresh</c> + <c>up</c>) and the stack is synced with the incident over.
/// Prints rollback → held and rollback → synced (minus the stabilization) for the record.
/// </summary>
public abstract class CommitRealignTests(string engine, ITestOutputHelper output)
{
    private static readonly TimeSpan Stabilization = TimeSpan.FromSeconds(5);

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_rollback_is_held_then_written_back_as_one_commit_and_the_engine_aligns()
    {
        await using var story = await RealignStory.StartAsync(engine, "commit", "5s");
        var scenario = story.Scenario;
        var callsBefore = scenario.Pulumi?.Calls().Count ?? 0;
        var rolledBackAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        var toHold = await story.RollBackAndWaitForHoldAsync();
        var held = await scenario.GetAsync();
        Assert.Equal((GitBbb, story.Service), (held.Incident?.BadTag, held.Incident?.Services.Single().Name));
        Assert.Null(held.Incident!.WriteBack);
        Assert.False(held.Hold!.Manual);
        var baseline = await story.WaitForRollbackCompletedAsync();
        var aaaDigest = await scenario.Registry.DigestOfAsync(Web, GitAaa);
        Assert.Equal(scenario.SpecImageFor(Web, GitAaa, aaaDigest), baseline.SpecImage);

        // From here to the end the service must keep the on-call's spec: bbb never goes out again.
        await using var watch = story.WatchSpec(baseline);
        var stable = await story.WaitForStableSinceAsync();
        var incident = stable.Incident!;
        Assert.Equal(GitAaa, incident.GoodTag);
        Assert.Equal(incident.StableSince + Stabilization, incident.StabilizationDeadline);
        Assert.True(incident.StableSince >= incident.DetectedAt, $"stable since {incident.StableSince:O} before detection {incident.DetectedAt:O}");
        var incidentService = incident.Services.Single();
        Assert.Contains(aaaDigest, incidentService.ToImage);
        Assert.Contains(await scenario.Registry.DigestOfAsync(Web, GitBbb), incidentService.FromImage);
        Assert.NotNull(incidentService.RollbackStartedAt);

        var synced = await scenario.WaitAsync(
            // The applied tag is checked last (see the end): for swarm it comes from labels the rolled-back spec may lack.
            s => s.Status == "synced" && s.Incident is null && s.Hold is null && s.Desired.ImageTag == GitAaa
                && (engine != Engines.Pulumi || s.Applied.ImageTag == GitAaa),
            $"{story.Name} synced at {GitAaa} after the write-back", TimeSpan.FromSeconds(60));
        var toSynced = clock.Elapsed;
        var (changes, evaluations, polls) = await watch.StopAsync();
        Assert.True(changes.Count == 0, "the service was updated during the hold:\n" + string.Join('\n', changes) + "\n" + story.Daemon.Output.Tail());
        Assert.True(evaluations >= 4, $"only {evaluations} evaluations seen over {polls} polls of the hold");

        // Git: exactly one commit on top of bbb's, changing one line, written once the deadline passed.
        var commit = Assert.Single(await story.CommitsAfterAsync(story.BbbRevision));
        Assert.Equal(commit, synced.Desired.Revision);
        Assert.Equal(story.BbbRevision, await story.Git("rev-parse", commit + "^"));
        Assert.Equal($"1\t1\t{RealignStory.DesiredFile}", await story.Git("diff", "--numstat", story.BbbRevision, commit));
        var changed = (await story.Git("diff", "-U0", story.BbbRevision, commit)).Split('\n')
            .Where(line => line.StartsWith('-') || line.StartsWith('+')).Skip(2).ToArray();
        Assert.Equal([$"-    imageTag: {GitBbb}", $"+    imageTag: {GitAaa}"], changed);
        Assert.Equal(ReconcileYaml.Render(scenario.Stack.WithTag(GitAaa)).TrimEnd('\n'), await story.Git("show", $"{commit}:{RealignStory.DesiredFile}"));
        var message = (await story.Git("log", "-1", "--format=%B", commit)).Split('\n');
        Assert.Equal($"realign {story.Name}: {GitBbb} → {GitAaa} after emergency rollback", message[0]);
        Assert.Contains($"  to   {GitAaa} ({aaaDigest})", message);
        Assert.Contains("Stabilization:      stable for 5s", message);
        Assert.Contains($"Desired revision:   {story.BbbRevision} named {GitBbb}", message);
        Assert.Equal("Sprocket Reconciler <reconciler@sprocket.invalid>", await story.Git("log", "-1", "--format=%an <%ae>", commit));
        var authored = DateTimeOffset.FromUnixTimeSeconds(long.Parse(await story.Git("log", "-1", "--format=%at", commit), CultureInfo.InvariantCulture));
        var deadline = incident.StabilizationDeadline!.Value;
        Assert.True(authored >= deadline.AddSeconds(-1), $"written at {authored:O}, before the deadline {deadline:O}");

        // The engine recorded what runs; nothing re-applied bbb.
        Assert.Equal("none", synced.OnlyService.Drift);
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);
        if (scenario.Pulumi is { } pulumi)
        {
            var calls = pulumi.Calls().Skip(callsBefore).ToList();
            var mutating = calls.Where(c => c.Is("config", "set") || c.IsUp).ToList();
            var shown = string.Join('\n', calls);
            Assert.True(mutating.Count == 2, $"expected config set then up:\n{shown}");
            Assert.True(mutating[0].Is("config", "set", "image-tag") && mutating[0].Argv[^1] == GitAaa && mutating[0].ExitCode == 0, shown);
            // The align reads what runs with a refresh of its own, then an up without one: that up never reads Swarm.
            Assert.True(mutating[1].IsUp && !mutating[1].Argv.Contains("--refresh") && mutating[1].ExitCode == 0, shown);
            Assert.Contains(calls, c => c.Is("refresh") && c.ExitCode == 0);
            Assert.DoesNotContain(calls, c => c.Argv.Contains(GitBbb));
        }

        Assert.Equal("aligned=1,commit=1", await story.RealignmentOutcomesAsync());
        await RealignTimeline.AssertAsync(story, commit, engine);
        Assert.Equal(1, await story.EmergencyRollbacksAsync());

        var line = $"[realign-latency] engine={engine} rollback->held={Ms(toHold)} ms rollback->synced={Ms(toSynced)} ms "
            + $"minus stabilization={Ms(toSynced - Stabilization)} ms; of which Swarm's rollback_completed={Ms(incidentService.RollbackCompletedAt!.Value - rolledBackAt)} ms, "
            + $"rollback->stableSince={Ms(incident.StableSince!.Value - rolledBackAt)} ms, "
            + $"deadline->synced={Ms(rolledBackAt + toSynced - deadline)} ms; evaluations during the hold={evaluations}";
        output.WriteLine(line);
        Console.WriteLine(line);

        // Applied is "what the daemon last applied" for swarm stacks (its labels on the services); after the align it recorded aaa.
        var applied = await scenario.GetAsync();
        Assert.True(applied.Applied.ImageTag == GitAaa,
            $"applied.imageTag is '{applied.Applied.ImageTag}' after the engine aligned with {GitAaa} ({engine}); the align row: "
            + string.Join("; ", scenario.History().Select(row => $"{row.Tag} {row.Outcome}")));
    }
}

/// <summary>The same story as the API's timeline and the CLI's <c>history</c> tell it.</summary>
internal static class RealignTimeline
{
    public static async Task AssertAsync(RealignStory story, string commit, string engine)
    {
        using var response = await story.Daemon.GetAsync($"api/v1/stacks/{story.Name}/events?limit=500");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var events = System.Text.Json.Nodes.JsonNode.Parse(body)!["items"]!.AsArray().Reverse().Select(e => e!).ToList();
        var kinds = events.Select(e => (string)e["kind"]!).ToList();
        // In order, with room for what a real Swarm may add (a stabilization clock that starts over, a drift seen mid-rollback).
        string[] expected = ["apply-started", "apply-succeeded", "emergency-rollback", "stabilization-started", "write-back-commit", "resume",
            "apply-started", "apply-succeeded", "aligned", "synced"];
        var at = 0;
        foreach (var kind in kinds) if (at < expected.Length && kind == expected[at]) at++;
        Assert.True(at == expected.Length, $"timeline {string.Join(", ", kinds)} lacks {expected[Math.Min(at, expected.Length - 1)]} in the order {string.Join(", ", expected)}");
        var written = events.Single(e => (string)e["kind"]! == "write-back-commit");
        Assert.Equal((GitAaa, GitBbb, commit), ((string?)written["tag"], (string?)written["previousTag"], (string?)written["revision"]));

        var history = await Daemon.ReconcilerCommand.RunAsync("history", story.Name, "--url", story.Daemon.BaseAddress.ToString());
        Assert.True(history.ExitCode == 0, history.ToString());
        var rows = history.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches($@"^\d+\s+\S+ \S+Z\s+\S+\s+{GitAaa}\s+succeeded\s+\S+\s+{commit[..8]}\s+{engine}\s+align$", rows[1]);
    }
}

public sealed class CommitRealignOnSwarmTests(ITestOutputHelper output) : CommitRealignTests(Engines.Swarm, output);

public sealed class CommitRealignOnPulumiTests(ITestOutputHelper output) : CommitRealignTests(Engines.Pulumi, output);
