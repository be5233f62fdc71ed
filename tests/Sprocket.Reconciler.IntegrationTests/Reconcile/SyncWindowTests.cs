using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 10: a deny sync window covering now (fires every minute, lasts two) keeps a new tag from being applied
/// automatically (<c>lastReconcile.outcome</c> waiting), while a reconcile asked for through the API applies it.
/// Windows gate the decision before any engine is involved, so one engine is enough.
/// </summary>
public sealed class SyncWindowTests
{
    private const string Engine = Engines.Swarm;

    private static readonly string[] AlwaysDenied =
        ["syncWindows:", "  - kind: deny", "    schedule: \"0 * * ? * *\"", "    duration: 2m"];

    [Fact]
    public async Task A_deny_window_blocks_automatic_applies_and_an_api_reconcile_applies()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engine, GitAaa)
        {
            Policy = [.. ReconcileStack.ActingPolicy, .. AlwaysDenied],
        });

        var revision = await scenario.CommitTagAsync(GitBbb);
        var waiting = await scenario.WaitForRevisionAsync(revision, s => s.LastReconcile?.Outcome == "waiting",
            $"{scenario.Name} waiting for its sync window");
        Assert.Contains("sync window", waiting.Message, StringComparison.Ordinal);
        Assert.Equal("out-of-sync", waiting.Status);
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(),
            s => s.LastReconcile?.Outcome == "waiting" && s.Status == "out-of-sync", "a deny window is active");
        Assert.Empty(scenario.History());
        Assert.True(await scenario.ReconcilesAsync(outcome: "waiting") >= 3);

        await scenario.PostAsync("reconcile");
        await scenario.WaitForServicesAtAsync(GitBbb, "the API reconcile");
        var synced = await scenario.WaitAsync(s => s.Status == "synced", $"{scenario.Name} synced after the API reconcile");
        Assert.Equal(GitBbb, synced.OnlyService.LiveTag);
        var row = Assert.Single(scenario.History());
        Assert.Equal((GitBbb, "api", "Succeeded"), (row.Tag, row.Trigger, row.Outcome));
    }
}
