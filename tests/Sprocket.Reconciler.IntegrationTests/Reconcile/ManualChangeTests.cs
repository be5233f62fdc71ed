using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>Acceptance 5: an image changed by hand is reverted to git's tag under <c>onDrift: revert</c>, left alone (held) under <c>hold</c>.</summary>
public abstract class ManualChangeTests(string engine)
{
    [Fact]
    public async Task A_manual_image_change_is_reverted_under_onDrift_revert()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(engine, GitAaa));
        var service = scenario.ServiceNames[0];

        var original = await scenario.Docker.SnapshotServiceAsync(service);

        // The daemon may revert within milliseconds, so the change is proven by the apply record, not by catching it live.
        await scenario.Docker.UpdateImageAsync(service, scenario.Registry.Image(Web, GitCcc));
        var row = (await Eventually.UntilValue(() => Task.FromResult(scenario.History()), rows => rows.Any(r => r.Outcome == "Succeeded"),
            TimeSpan.FromSeconds(45), "the revert's apply record")).Single();
        Assert.Equal(GitAaa, row.Tag);
        Assert.Contains(GitCcc, row.Services, StringComparison.Ordinal);

        await scenario.WaitForServicesAtAsync(GitAaa, "the revert");
        var synced = await scenario.WaitAsync(s => s.Status == "synced" && s.OnlyService.LiveTag == GitAaa, $"{scenario.Name} synced at {GitAaa} again");
        Assert.Equal("none", synced.OnlyService.Drift);
        var reverted = await scenario.Docker.SnapshotServiceAsync(service);
        Assert.True(reverted.VersionIndex > original.VersionIndex + 1, $"version {original.VersionIndex} -> {reverted.VersionIndex}: the manual change and the revert");
    }

    [Fact]
    public async Task A_manual_image_change_is_left_alone_and_held_under_onDrift_hold()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(engine, GitAaa)
        {
            Policy = [.. ReconcileStack.ActingPolicy.Where(line => !line.StartsWith("onDrift", StringComparison.Ordinal)), "onDrift: hold"],
        });
        var service = scenario.ServiceNames[0];

        await scenario.Docker.UpdateImageAsync(service, scenario.Registry.Image(Web, GitCcc));
        var held = await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Reason == "drift", $"{scenario.Name} held on the manual change");
        Assert.Equal("manual-change", held.OnlyService.Drift);
        await Eventually.UntilValue(() => scenario.Docker.SnapshotServiceAsync(service), s => s.UpdateState == "completed",
            TimeSpan.FromSeconds(30), $"the manual update of {service} completed");

        var before = await scenario.SnapshotsAsync();
        Assert.Contains(GitCcc, before[0].SpecImage, StringComparison.Ordinal);
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "held" && s.OnlyService.Drift == "manual-change", "the image was changed by hand");
        Assert.Empty(scenario.History());
    }
}

public sealed class ManualChangeOnSwarmTests() : ManualChangeTests(Engines.Swarm);

public sealed class ManualChangeOnPulumiTests() : ManualChangeTests(Engines.Pulumi);
