using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 2: a commit naming a mutable tag (<c>main</c>) rejects the whole desired-state file; the last good
/// revision stays in force and nothing is applied. The file is rejected before any engine is involved: one engine is enough.
/// </summary>
public sealed class MutableTagTests
{
    private const string Engine = Engines.Swarm;

    [Fact]
    public async Task A_commit_naming_main_is_rejected_and_nothing_is_applied()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engine, GitAaa));
        var before = await scenario.SnapshotsAsync();

        var rejected = await scenario.CommitRawAsync(ReconcileYaml.Render(scenario.Stack.WithTag("main")));
        var shown = await scenario.WaitAsync(s => s.Message.Contains("'main'", StringComparison.Ordinal),
            $"the rejection of {rejected[..12]} in the stack's message");

        Assert.Contains("imageTag", shown.Message, StringComparison.Ordinal);
        Assert.Contains("mutable", shown.Message, StringComparison.Ordinal);
        Assert.Equal((GitAaa, scenario.Daemon.InitialRevision), (shown.Desired.ImageTag, shown.Desired.Revision));
        var scrape = await scenario.Daemon.GetMetricsAsync();
        Assert.True(scrape.Value("sprocket_reconciler_desired_state_rejected_total") >= 1, scrape.Describe("sprocket_reconciler_desired_state_rejected_total"));

        await scenario.AssertNothingAppliedAsync(before,
            s => s.Status == "synced" && s.Desired.ImageTag == GitAaa && s.Message.Contains("'main'", StringComparison.Ordinal),
            "git names main");
        Assert.Empty(scenario.History());
    }
}
