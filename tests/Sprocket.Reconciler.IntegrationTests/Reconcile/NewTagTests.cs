using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>Acceptance 1: a new immutable tag committed to git is applied by the stack's engine and the stack becomes synced.</summary>
public abstract class NewTagTests(string engine)
{
    [Fact]
    public async Task A_new_tag_in_git_is_applied_and_the_stack_is_synced()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(engine, GitAaa));
        var callsBefore = scenario.Pulumi?.Calls().Count ?? 0;
        var committedAt = DateTimeOffset.UtcNow;

        var revision = await scenario.CommitTagAsync(GitBbb);
        var synced = await scenario.WaitForRevisionAsync(revision,
            s => s.Status == "synced" && s.Applied.ImageTag == GitBbb, $"{scenario.Name} synced at {GitBbb}");

        var digest = await scenario.Registry.DigestOfAsync(Web, GitBbb);
        var service = await scenario.Docker.SnapshotServiceAsync(scenario.ServiceNames[0]);
        Assert.Equal(scenario.SpecImageFor(Web, GitBbb, digest), service.SpecImage);
        Assert.Equal((GitBbb, GitBbb, digest), (synced.Desired.ImageTag, synced.Applied.ImageTag, synced.OnlyService.LiveDigest));
        Assert.Equal("none", synced.OnlyService.Drift);

        var row = Assert.Single(scenario.History());
        Assert.Equal((engine, GitBbb, "poll", "Succeeded"), (row.Engine, row.Tag, row.Trigger, row.Outcome));
        Assert.NotNull(row.FinishedAt);
        Assert.Equal(1, await scenario.ApplyCountAsync("succeeded"));
        Assert.True(await scenario.ReconcilesAsync("apply", "succeeded") >= 1);
        var scrape = await scenario.Daemon.GetMetricsAsync();
        var lastSync = scrape.Value("sprocket_reconciler_last_successful_sync_timestamp_seconds", ("stack", scenario.Name));
        Assert.True(lastSync >= committedAt.ToUnixTimeSeconds(), $"last successful sync {lastSync} is before the commit at {committedAt:O}");
        Assert.Equal(1, scrape.Value("sprocket_reconciler_stack_status", ("stack", scenario.Name), ("status", "synced")));

        if (scenario.Pulumi is { } pulumi)
        {
            // Pulumi's way: the config key first, then one up that refreshes.
            var calls = pulumi.Calls().Skip(callsBefore).ToList();
            var configSet = calls.FindIndex(c => c.Is("config", "set", "image-tag") && c.Argv[^1] == GitBbb && c.ExitCode == 0);
            var up = calls.FindIndex(c => c.IsUp);
            Assert.True(configSet >= 0 && up > configSet, $"expected config set image-tag {GitBbb} then up:\n{string.Join('\n', calls)}");
            var upCall = Assert.Single(calls, c => c.IsUp);
            Assert.Contains("--refresh", upCall.Argv);
            Assert.Equal(0, upCall.ExitCode);
        }
        else
        {
            var inspected = await scenario.Docker.InspectServiceAsync(scenario.ServiceNames[0]);
            Assert.Equal(GitBbb, inspected.GetProperty("Spec").GetProperty("Labels").GetProperty("io.sprocket.reconciler.applied-tag").GetString());
        }
    }
}

public sealed class NewTagOnSwarmTests() : NewTagTests(Engines.Swarm);

public sealed class NewTagOnPulumiTests() : NewTagTests(Engines.Pulumi);
