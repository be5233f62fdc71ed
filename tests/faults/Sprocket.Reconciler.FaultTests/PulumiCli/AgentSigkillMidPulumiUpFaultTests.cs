using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Sprocket.Reconciler.State;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests.PulumiCli;

/// <summary>
/// The agent SIGKILLed while its <c>pulumi up</c> runs (the swarm-engine version is in AgentRestartFaultTests). The
/// child is not killed with it: the orphaned <c>up</c> keeps the stack's lock and goes on. The restarted daemon must
/// close its cut apply as Interrupted, start no second <c>up</c> while the orphan runs (it waits for it, as for a lock),
/// and end synced on what the orphan applied, without applying it again. The orphan's provider call hangs while a
/// file exists (SPROCKET_STANDIN_HANG_WHILE), so the kill lands mid-update for certain.
/// </summary>
[Collection(PulumiAndOnCallFaultSuite.Name)]
public sealed class AgentSigkillMidPulumiUpFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_restarted_daemon_waits_for_the_orphaned_up_and_ends_synced_without_a_second_update()
    {
        var hang = Path.Combine(Path.GetTempPath(), "sprocket-pulumi-hang-" + Guid.NewGuid().ToString("N")[..10]);
        File.WriteAllText(hang, "the stand-in's provider call hangs while this file exists");
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Pulumi, GitAaa)
        {
            StandinSwitches = [("SPROCKET_STANDIN_HANG_WHILE", hang)],
        });
        var pulumi = scenario.Pulumi!;
        var service = scenario.ServiceNames[0];
        try
        {
            var revision = await scenario.CommitTagAsync(GitBbb);
            var orphanPid = await Eventually.UntilValue(() => Task.FromResult(
                    pulumi.PendingOperations().Any(operation => operation.StartsWith("updating ", StringComparison.Ordinal)) ? pulumi.LockHolderPids().SingleOrDefault() : 0),
                holder => holder != 0, TimeSpan.FromSeconds(45), "the daemon's pulumi up in its step (lock taken, pending update journaled)");
            var cut = Assert.Single(scenario.History(), row => row.Tag == GitBbb);
            Assert.Null(cut.FinishedAt);

            Signals.Send(scenario.Daemon.ProcessId, Signals.SigKill);
            await scenario.Daemon.WaitForExitAsync(TimeSpan.FromSeconds(15));
            using var orphan = Process.GetProcessById(orphanPid);
            Assert.False(orphan.HasExited, "the orphaned pulumi up died with the daemon");
            var upsAtKill = StandinRecord.UpsStarted(pulumi);

            var restart = Stopwatch.StartNew();
            await scenario.Daemon.RestartAsync();
            var waiting = await scenario.WaitAsync(s => $"{s.Message} {s.LastReconcile?.Message}".Contains($"(pid {orphanPid}", StringComparison.Ordinal)
                    && $"{s.Message} {s.LastReconcile?.Message}".Contains("is still running; waiting for it", StringComparison.Ordinal),
                "the restarted daemon waiting for the orphaned up");
            output.WriteLine($"waiting for the orphan {restart.Elapsed.TotalSeconds:0.0} s after the restart: {waiting.LastReconcile?.Message}");
            var closed = Assert.Single(scenario.History(), row => row.Id == cut.Id);
            Assert.Equal(ApplyHistory.InterruptedOutcome, closed.Outcome);
            Assert.NotNull(closed.FinishedAt);
            // A few evaluations with the orphan still running: none starts an up.
            var reconciles = await scenario.ReconcilesAsync();
            await Eventually.Until(async () => await scenario.ReconcilesAsync() >= reconciles + 2, TimeSpan.FromSeconds(30), "two evaluations while the orphan runs");
            Assert.Equal(upsAtKill, StandinRecord.UpsStarted(pulumi));
            Assert.False(orphan.HasExited);

            // The orphan's step ends: it applies git-bbb2222, writes its summary and history, releases its lock.
            File.Delete(hang);
            var clock = Stopwatch.StartNew();
            await orphan.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var orphanEnded = clock.Elapsed;
            Assert.Contains(pulumi.Calls(), call => call.Pid == orphanPid && call.ExitCode == 0);
            var synced = await scenario.WaitForRevisionAsync(revision, s => s.Status == "synced" && s.Applied.ImageTag == GitBbb && s.OnlyService.LiveTag == GitBbb,
                $"{scenario.Name} synced on what the orphan applied", TimeSpan.FromSeconds(60));
            var recovery = clock.Elapsed;
            output.WriteLine($"orphan ended {orphanEnded.TotalSeconds:0.0} s after its step was released; synced {recovery.TotalSeconds:0.0} s after");

            var updated = await UpdateStartedAsync(scenario, service);
            var after = await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced", "the restarted daemon after the orphan");
            Assert.Equal(updated, await UpdateStartedAsync(scenario, service));
            Assert.Equal(GitBbb, after.OnlyService.LiveTag);
            Assert.Empty(pulumi.LockHolderPids());
            Assert.Empty(pulumi.PendingOperations());
            // Whatever up the restarted daemon ran after the orphan changed nothing, and none overlapped another.
            var laterUps = pulumi.Calls().Where(call => call.IsUp && call.Pid != orphanPid && call.StartedAt > DateTimeOffset.UtcNow - restart.Elapsed).ToList();
            Assert.All(laterUps, call => Assert.Equal(0, call.ExitCode));
            StandinRecord.AssertNoTwoUpsAtOnce(pulumi);
            StandinRecord.AssertDaemonNeverCancelled(pulumi, cancelsByTheHuman: 0);
            Assert.DoesNotContain(scenario.History(), row => row.Outcome is "Failed" or "Misconfigured");
            Assert.Equal(GitBbb, synced.Desired.ImageTag);
            RecoveryRecord.Write(output, "agent SIGKILL mid pulumi up, restart", "mid-apply", 0, recovery);
        }
        finally
        {
            File.Delete(hang);
            StandinRecord.KillLeftovers(pulumi);
        }
    }

    /// <summary>When Swarm started the service's current update: a second update would have a later one.</summary>
    private static async Task<string?> UpdateStartedAsync(ReconcileScenario scenario, string service)
    {
        var inspect = await scenario.Docker.InspectServiceAsync(service);
        return inspect.TryGetProperty("UpdateStatus", out var status) && status.TryGetProperty("StartedAt", out var started) ? started.GetString() : null;
    }
}
