using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 7: while another process holds the Pulumi stack's lock, <c>up</c> fails with the DIY backend's lock
/// conflict; the daemon records <c>locked</c>, never runs <c>pulumi cancel</c>, retries later, and once the lock is
/// gone applies exactly once. The lock is a real lock file in the backend (what a concurrent <c>pulumi up</c> leaves),
/// so it can be taken away mid-test — unlike the stand-in's SPROCKET_STANDIN_LOCKED switch, fixed at daemon start.
/// </summary>
public sealed class PulumiLockTests
{
    [Fact]
    public async Task A_locked_stack_is_retried_and_applied_exactly_once_when_the_lock_is_gone()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Pulumi, GitAaa));
        var pulumi = scenario.Pulumi!;
        var lockFile = pulumi.TakeForeignLock();
        var callsBefore = pulumi.Calls().Count;

        var revision = await scenario.CommitTagAsync(GitBbb);
        await Eventually.Until(async () => await scenario.ReconcilesAsync("apply", "locked") >= 1, TimeSpan.FromSeconds(45),
            "an apply that ended locked");
        var waiting = await scenario.WaitAsync(s => s.LastReconcile?.Outcome is "locked" or "waiting", "the stack waiting for the lock");
        Assert.Contains("locked", waiting.LastReconcile!.Message, StringComparison.Ordinal);
        var lockedRow = Assert.Single(scenario.History());
        Assert.Equal((GitBbb, "Locked"), (lockedRow.Tag, lockedRow.Outcome));
        var service = await scenario.Docker.SnapshotServiceAsync(scenario.ServiceNames[0]);
        Assert.Contains(await scenario.Registry.DigestOfAsync(Web, GitAaa), service.SpecImage, StringComparison.Ordinal);

        File.Delete(lockFile);
        var synced = await scenario.WaitForRevisionAsync(revision,
            s => s.Status == "synced" && s.Applied.ImageTag == GitBbb, $"{scenario.Name} applied once the lock is gone", TimeSpan.FromSeconds(60));
        await scenario.WaitForServicesAtAsync(GitBbb, "the retried apply");
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced", "the retried apply succeeded");

        var calls = pulumi.Calls().Skip(callsBefore).ToList();
        var ups = calls.Where(c => c.IsUp).ToList();
        Assert.True(ups.Count(c => c.ExitCode == 0) == 1, $"expected exactly one successful up:\n{string.Join('\n', calls)}");
        Assert.True(ups.Count(c => c.ExitCode != 0) >= 1, $"expected the locked up first:\n{string.Join('\n', calls)}");
        Assert.Equal(0, ups[^1].ExitCode);
        Assert.DoesNotContain(calls, c => c.Is("cancel"));
        Assert.Equal(["Locked", "Succeeded"], scenario.History().Select(row => row.Outcome).Distinct());
        Assert.Equal(1, await scenario.ApplyCountAsync("succeeded"));
        Assert.Equal(GitBbb, synced.Desired.ImageTag);
    }
}
