using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 9 for a hold put through the API: it lives in the daemon's SQLite state, so a restart on the same
/// DataDirectory keeps it (same <c>since</c>), nothing is applied, and POST resume applies. Engine-independent state.
/// </summary>
public sealed class ManualHoldRestartTests
{
    private const string Engine = Engines.Swarm;

    [Fact]
    public async Task A_manual_hold_survives_a_restart_and_resume_applies()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engine, GitAaa));
        var service = scenario.ServiceNames[0];
        await scenario.PostAsync("hold");
        var held = await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Reason == "manual", $"{scenario.Name} held through the API");
        Assert.True(held.Hold!.Manual);

        // Something to apply while held: a hand change that onDrift: revert would otherwise undo.
        await scenario.Docker.UpdateImageAsync(service, scenario.Registry.Image(Web, GitCcc));
        await Eventually.UntilValue(() => scenario.Docker.SnapshotServiceAsync(service), s => s.UpdateState == "completed",
            TimeSpan.FromSeconds(30), $"the manual update of {service} completed");
        var before = await scenario.SnapshotsAsync();
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "held" && s.Hold?.Reason == "manual", "held through the API");

        Assert.Equal(0, await scenario.Daemon.StopAsync());
        await scenario.Daemon.RestartAsync();
        var restarted = await scenario.WaitAsync(s => s.Status == "held", $"{scenario.Name} held after the restart");
        Assert.Equal((held.Hold.Reason, held.Hold.Since, true), (restarted.Hold!.Reason, restarted.Hold.Since, restarted.Hold.Manual));
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "held" && s.Hold?.Since == held.Hold.Since, "held across a restart");
        Assert.Empty(scenario.History());

        await scenario.PostAsync("resume");
        await scenario.WaitForServicesAtAsync(GitAaa, "resume after the restart");
        var synced = await scenario.WaitAsync(s => s.Status == "synced" && s.Hold is null, $"{scenario.Name} synced after resume");
        Assert.Equal(GitAaa, synced.OnlyService.LiveTag);
        var row = Assert.Single(scenario.History());
        Assert.Equal((GitAaa, "Succeeded"), (row.Tag, row.Outcome));
    }
}
