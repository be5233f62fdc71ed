using System.Diagnostics;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests.PulumiCli;

/// <summary>
/// Faults 4a and 4b: the daemon's own <c>pulumi up</c> dies mid-update — SIGKILLed by someone else (the OOM killer), or
/// hung past <c>Reconciler:Pulumi:UpTimeout</c> and stopped by the daemon (SIGINT, then SIGTERM after
/// <c>InterruptGrace</c>: Pulumi's second signal terminates at once). Either way the DIY backend keeps the lock and the
/// checkpoint the step's pending operation (pulumi/pulumi pkg/backend/diy/backend.go, pkg/backend/snapshot.go). The
/// daemon must say so with the exact command a human runs, never run <c>pulumi cancel</c> itself, not retry into a storm,
/// and apply exactly once after the human ran the command it gave. The stand-in's provider call hangs while a file exists
/// (SPROCKET_STANDIN_HANG_WHILE), after the pending operation is written and before Swarm is touched.
/// </summary>
[Collection(PulumiAndOnCallFaultSuite.Name)]
public sealed partial class PulumiCliDeathFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_pulumi_up_sigkilled_mid_update_is_reported_with_the_exact_cancel_command_and_applied_once_after_it()
    {
        var hang = HangFile();
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Pulumi, GitAaa)
        {
            StandinSwitches = [("SPROCKET_STANDIN_HANG_WHILE", hang)],
        });
        var pulumi = scenario.Pulumi!;
        try
        {
            var revision = await scenario.CommitTagAsync(GitBbb);
            var pid = await WaitUntilUpHangsInItsStepAsync(pulumi);

            using (var standin = Process.GetProcessById(pid)) standin.Kill();
            var killedAt = DateTimeOffset.UtcNow;
            var died = await Eventually.UntilValue(() => Task.FromResult(scenario.History().FirstOrDefault(row => row.FinishedAt is not null)),
                row => row is not null, TimeSpan.FromSeconds(30), "the cut apply's history row closed");
            Assert.Equal("Failed", died!.Outcome);
            Assert.Contains($"pulumi up (pid {pid}) died before finishing its update (killed by signal 9", died.Message, StringComparison.Ordinal);

            var command = await AssertStoppedWithTheHumanCommandAsync(scenario, pid);
            await HumanClearsTheLockAsync(scenario, command, hang, revision);

            StandinRecord.AssertNoTwoUpsAtOnce(pulumi, new Dictionary<int, DateTimeOffset> { [pid] = killedAt });
            StandinRecord.AssertDaemonNeverCancelled(pulumi, cancelsByTheHuman: 1);
        }
        finally
        {
            File.Delete(hang);
            StandinRecord.KillLeftovers(pulumi);
        }
    }

    [Fact]
    public async Task A_pulumi_up_hung_past_its_timeout_gets_sigint_then_sigterm_and_is_reported_without_a_retry_storm()
    {
        var hang = HangFile();
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Pulumi, GitAaa)
        {
            StandinSwitches = [("SPROCKET_STANDIN_HANG_WHILE", hang)],
            ExtraArguments = ["--Reconciler:Pulumi:UpTimeout=00:00:20", "--Reconciler:Pulumi:InterruptGrace=00:00:03"],
        });
        var pulumi = scenario.Pulumi!;
        try
        {
            var revision = await scenario.CommitTagAsync(GitBbb);
            var pid = await WaitUntilUpHangsInItsStepAsync(pulumi);

            var died = await Eventually.UntilValue(() => Task.FromResult(scenario.History().FirstOrDefault(row => row.FinishedAt is not null)),
                row => row is not null, TimeSpan.FromSeconds(60), "the timed-out apply's history row closed");
            Assert.Equal("Failed", died!.Outcome);
            Assert.Contains($"pulumi up (pid {pid}) died before finishing its update (", died.Message, StringComparison.Ordinal);
            Assert.Contains("after it exceeded its time limit and was signalled", died.Message, StringComparison.Ordinal);
            // Upstream's order: SIGINT lets the CLI finish in-flight steps and unlock; a step that never ends needs the
            // second signal (pkg/backend/cancellation_scope.go: SIGINT and SIGTERM alike, the second terminates).
            var signals = scenario.Daemon.Output.Matching(line => line.Contains("to pulumi up (pid " + pid, StringComparison.Ordinal));
            // A SIGKILL after another grace is allowed (a loaded machine may be slow to exit), never before SIGTERM.
            Assert.True(signals.Count is 2 or 3 && signals[0].Contains("sending SIGINT", StringComparison.Ordinal) && signals[1].Contains("sending SIGTERM", StringComparison.Ordinal)
                    && (signals.Count == 2 || signals[2].Contains("sending SIGKILL", StringComparison.Ordinal)),
                "expected SIGINT, then SIGTERM (then perhaps SIGKILL):\n" + string.Join('\n', signals));

            var command = await AssertStoppedWithTheHumanCommandAsync(scenario, pid);
            await HumanClearsTheLockAsync(scenario, command, hang, revision);

            StandinRecord.AssertNoTwoUpsAtOnce(pulumi);
            StandinRecord.AssertDaemonNeverCancelled(pulumi, cancelsByTheHuman: 1);
        }
        finally
        {
            File.Delete(hang);
            StandinRecord.KillLeftovers(pulumi);
        }
    }

    [Fact]
    public async Task A_stack_history_read_sigkilled_while_idle_keeps_the_known_applied_tag_and_applies_nothing()
    {
        var killed = HangFile();
        File.Delete(killed);
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Pulumi, GitAaa)
        {
            StandinSwitches = [("SPROCKET_STANDIN_HISTORY_KILLED_WHILE", killed)],
            ExtraArguments = ["--Reconciler:ResyncInterval=00:00:02"],
        });
        var pulumi = scenario.Pulumi!;
        try
        {
            var ups = StandinRecord.UpsStarted(pulumi);
            File.WriteAllText(killed, "stack history is killed while this file exists");
            var readsBefore = HistoryReads(pulumi).Count;
            await Eventually.Until(() => Task.FromResult(HistoryReads(pulumi).Skip(readsBefore).Count(call => call.ExitCode == 137) >= 2),
                TimeSpan.FromSeconds(30), "two stack history reads killed");
            // Before the fix a failed read answered "nothing applied": the known tag became unknown.
            var during = await scenario.GetAsync();
            Assert.Equal(("synced", GitAaa), (during.Status, during.Applied.ImageTag));
            Assert.True(scenario.Daemon.Output.Count(line => line.Contains("reading the applied tag failed", StringComparison.Ordinal)) >= 1,
                "no log line for the failed read:\n" + scenario.Daemon.Output.Tail());

            File.Delete(killed);
            var clock = Stopwatch.StartNew();
            var readsAtClear = HistoryReads(pulumi).Count;
            await Eventually.Until(() => Task.FromResult(HistoryReads(pulumi).Skip(readsAtClear).Any(call => call.ExitCode == 0)),
                TimeSpan.FromSeconds(30), "a stack history read answered after the fault cleared");
            var recovery = clock.Elapsed;
            var after = await scenario.GetAsync();
            Assert.Equal(("synced", GitAaa), (after.Status, after.Applied.ImageTag));
            Assert.Equal(ups, StandinRecord.UpsStarted(pulumi));
            Assert.Empty(scenario.History());
            Assert.Empty(pulumi.LockHolderPids());
            StandinRecord.AssertDaemonNeverCancelled(pulumi, cancelsByTheHuman: 0);
            // The next resync is the only way to know (ResyncInterval 2 s here, 5 min by default).
            RecoveryRecord.Write(output, "pulumi CLI SIGKILLed (stack history)", "idle", 0, recovery);
        }
        finally
        {
            File.Delete(killed);
            StandinRecord.KillLeftovers(pulumi);
        }
    }

    private static List<StandinCall> HistoryReads(PulumiWorld pulumi) => pulumi.Calls().Where(call => call.Is("stack", "history")).ToList();

    private static string HangFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "sprocket-pulumi-hang-" + Guid.NewGuid().ToString("N")[..10]);
        File.WriteAllText(path, "the stand-in's provider call hangs while this file exists");
        return path;
    }

    /// <summary>The daemon's <c>up</c> holds the lock and has journaled its step (a pending update) whose provider call hangs.
    /// Returns the pid the lock names.</summary>
    private static async Task<int> WaitUntilUpHangsInItsStepAsync(PulumiWorld pulumi)
    {
        var pid = await Eventually.UntilValue(() => Task.FromResult(
                pulumi.PendingOperations().Any(operation => operation.StartsWith("updating ", StringComparison.Ordinal)) ? pulumi.LockHolderPids().SingleOrDefault() : 0),
            holder => holder != 0, TimeSpan.FromSeconds(45), "the daemon's pulumi up hanging in its step (lock taken, pending update journaled)");
        Assert.Contains(pulumi.Starts(), start => start.Pid == pid && start.Argv.FirstOrDefault() == "up");
        return pid;
    }

    /// <summary>
    /// The next try met the dead run's lock: status, history and log give the exact command, the circuit is open, and the
    /// daemon starts no further <c>up</c> while nothing changes. Returns the command.
    /// </summary>
    private static async Task<string> AssertStoppedWithTheHumanCommandAsync(ReconcileScenario scenario, int pid)
    {
        var pulumi = scenario.Pulumi!;
        // Misconfigured opens the circuit at once: the status stays "failed" with the command until a human acts.
        var stopped = await scenario.WaitAsync(s => s.Status == "failed" && s.Message.Contains("its lock will not go away by waiting", StringComparison.Ordinal),
            "the stack stopped for a human", TimeSpan.FromSeconds(45));
        var command = CancelCommand().Match(stopped.Message) is { Success: true } match ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException("no pulumi cancel command in the status: " + stopped.Message);
        Assert.StartsWith($"pulumi cancel --yes --stack {PulumiWorld.Stack} --cwd {Path.Combine(scenario.Daemon.DataDirectory, "programs")}", command, StringComparison.Ordinal);
        Assert.Contains($"own pulumi up (pid {pid}", stopped.Message, StringComparison.Ordinal);
        Assert.Contains(scenario.History(), row => row.Outcome == "Misconfigured" && row.Message!.Contains(command, StringComparison.Ordinal));
        Assert.True(scenario.Daemon.Output.Count(line => line.Contains("a human clears it with: " + command, StringComparison.Ordinal)) >= 1,
            "no log line gives the command:\n" + scenario.Daemon.Output.Tail());
        Assert.Equal([pid], pulumi.LockHolderPids());
        Assert.Contains(pulumi.PendingOperations(), operation => operation.StartsWith("updating ", StringComparison.Ordinal));
        var service = await scenario.Docker.SnapshotServiceAsync(scenario.ServiceNames[0]);
        Assert.Contains(await scenario.Registry.DigestOfAsync(Web, GitAaa), service.SpecImage, StringComparison.Ordinal);

        // No storm: while nothing changes, evaluations go on and no up starts.
        var ups = StandinRecord.UpsStarted(pulumi);
        var reconciles = await scenario.ReconcilesAsync();
        await Eventually.Until(async () => await scenario.ReconcilesAsync() >= reconciles + 3, TimeSpan.FromSeconds(30), "three more evaluations");
        Assert.Equal(ups, StandinRecord.UpsStarted(pulumi));
        Assert.Contains(command, (await scenario.GetAsync()).Message, StringComparison.Ordinal);
        return command;
    }

    /// <summary>The human runs the command the daemon gave, word for word, and asks for a reconcile: applied once.</summary>
    private async Task HumanClearsTheLockAsync(ReconcileScenario scenario, string command, string hang, string revision)
    {
        var pulumi = scenario.Pulumi!;
        File.Delete(hang);
        var callsBefore = pulumi.Calls().Count;
        await pulumi.RunAsHumanAsync(command["pulumi ".Length..].Split(' '));
        var clock = Stopwatch.StartNew();
        Assert.Empty(pulumi.LockHolderPids());
        await scenario.PostAsync("reconcile");
        await scenario.WaitForRevisionAsync(revision, s => s.Status == "synced" && s.Applied.ImageTag == GitBbb,
            $"{scenario.Name} applied after the human's pulumi cancel", TimeSpan.FromSeconds(60));
        var recovery = clock.Elapsed;
        await scenario.WaitForServicesAtAsync(GitBbb, "the apply after the human's cancel");
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced", "the apply after the human's cancel");
        // The update that followed dropped the pending update the dead run left (pkg/backend/snapshot.go).
        Assert.Empty(pulumi.PendingOperations());
        var ups = pulumi.Calls().Skip(callsBefore).Where(call => call.IsUp).ToList();
        Assert.True(ups.Count == 1 && ups[0].ExitCode == 0, "expected exactly one up, successful:\n" + string.Join('\n', pulumi.Calls()));
        Assert.Equal(1, await scenario.ApplyCountAsync("succeeded"));
        output.WriteLine($"applied {recovery.TotalSeconds:0.0} s after the human's pulumi cancel and reconcile");
        RecoveryRecord.Write(output, scenario.Options.ExtraArguments.Count == 0 ? "pulumi up SIGKILLed (OOM)" : "pulumi up hung past UpTimeout", "mid-apply", 0, recovery);
    }

    [GeneratedRegex("`(pulumi cancel [^`]+)`")]
    private static partial Regex CancelCommand();
}
