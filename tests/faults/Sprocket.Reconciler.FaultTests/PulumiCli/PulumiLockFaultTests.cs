using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests.PulumiCli;

/// <summary>
/// Fault 4c: another process holds the Pulumi stack's lock (a real lock file in the DIY backend, what a concurrent
/// <c>pulumi up</c> leaves, so it can be taken away mid-test). While idle it disturbs nothing: the idle loop reads
/// <c>pulumi stack history</c>, which takes no lock. When an apply meets it, <c>up</c> fails with the backend's lock
/// conflict; the daemon records <c>locked</c> naming the holder, never runs <c>pulumi cancel</c>, retries, and once the
/// lock is gone applies exactly once.
/// </summary>
[Collection(PulumiAndOnCallFaultSuite.Name)]
public sealed class PulumiLockFaultTests(ITestOutputHelper output)
{
    private const string Holder = "ci@other-host (pid 4242)";

    [Fact]
    public async Task A_foreign_lock_leaves_the_idle_loop_alone_and_is_waited_for_then_applied_exactly_once()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Pulumi, GitAaa));
        var pulumi = scenario.Pulumi!;
        try
        {
            // Idle: nothing to apply while the lock is held.
            var upsBefore = StandinRecord.UpsStarted(pulumi);
            var idleLock = pulumi.TakeForeignLock();
            var reconcilesAtLock = await scenario.ReconcilesAsync();
            await Eventually.Until(async () => await scenario.ReconcilesAsync() >= reconcilesAtLock + 2, TimeSpan.FromSeconds(30),
                "two idle evaluations while the lock is held");
            var idle = await scenario.GetAsync();
            Assert.Equal(("synced", GitAaa), (idle.Status, idle.Applied.ImageTag));
            Assert.Equal(upsBefore, StandinRecord.UpsStarted(pulumi));
            Assert.Empty(scenario.History());
            File.Delete(idleLock);
            var idleClock = Stopwatch.StartNew();
            var reconcilesAtRelease = await scenario.ReconcilesAsync();
            await Eventually.Until(async () => await scenario.ReconcilesAsync() > reconcilesAtRelease, TimeSpan.FromSeconds(30), "an evaluation after the release");
            Assert.Equal("synced", (await scenario.GetAsync()).Status);
            RecoveryRecord.Write(output, "Pulumi stack locked by another process", "idle", 0, idleClock.Elapsed);

            // Mid-apply: git names a new tag while the lock is held.
            var lockFile = pulumi.TakeForeignLock();
            var callsBefore = pulumi.Calls().Count;
            var revision = await scenario.CommitTagAsync(GitBbb);
            await Eventually.Until(async () => await scenario.ReconcilesAsync("apply", "locked") >= 1, TimeSpan.FromSeconds(45),
                "an apply that ended locked");
            var waiting = await scenario.WaitAsync(s => s.LastReconcile?.Outcome is "locked" or "waiting", "the stack waiting for the lock");
            Assert.Contains($"locked by {Holder}", waiting.LastReconcile!.Message, StringComparison.Ordinal);
            var lockedRow = Assert.Single(scenario.History());
            Assert.Equal((GitBbb, "Locked"), (lockedRow.Tag, lockedRow.Outcome));
            Assert.Contains(Holder, lockedRow.Message, StringComparison.Ordinal);
            Assert.True(scenario.Daemon.Output.Count(line => line.Contains($"the stack is locked by {Holder}", StringComparison.Ordinal)) >= 1,
                "no log line names the lock's holder:\n" + scenario.Daemon.Output.Tail());
            var service = await scenario.Docker.SnapshotServiceAsync(scenario.ServiceNames[0]);
            Assert.Contains(await scenario.Registry.DigestOfAsync(Web, GitAaa), service.SpecImage, StringComparison.Ordinal);

            File.Delete(lockFile);
            var clock = Stopwatch.StartNew();
            var synced = await scenario.WaitForRevisionAsync(revision,
                s => s.Status == "synced" && s.Applied.ImageTag == GitBbb, $"{scenario.Name} applied once the lock is gone", TimeSpan.FromSeconds(60));
            var recovery = clock.Elapsed;
            await scenario.WaitForServicesAtAsync(GitBbb, "the retried apply");
            await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced", "the retried apply succeeded");

            var calls = pulumi.Calls().Skip(callsBefore).ToList();
            var ups = calls.Where(c => c.IsUp).ToList();
            Assert.True(ups.Count(c => c.ExitCode == 0) == 1, $"expected exactly one successful up:\n{string.Join('\n', calls)}");
            Assert.True(ups.Count(c => c.ExitCode != 0) >= 1, $"expected the locked up first:\n{string.Join('\n', calls)}");
            Assert.Equal(0, ups[^1].ExitCode);
            StandinRecord.AssertDaemonNeverCancelled(pulumi, cancelsByTheHuman: 0);
            StandinRecord.AssertNoTwoUpsAtOnce(pulumi);
            Assert.Equal(["Locked", "Succeeded"], scenario.History().Select(row => row.Outcome).Distinct());
            Assert.Equal(1, await scenario.ApplyCountAsync("succeeded"));
            Assert.Equal(GitBbb, synced.Desired.ImageTag);
            // The lock retry is a fixed 15 s (ReconcilePolicy.LockRetry): nothing tells the daemon the lock went away.
            RecoveryRecord.Write(output, "Pulumi stack locked by another process", "mid-apply", 0, recovery);
        }
        finally
        {
            StandinRecord.KillLeftovers(pulumi);
        }
    }
}
