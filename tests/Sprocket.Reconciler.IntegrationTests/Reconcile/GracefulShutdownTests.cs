using System.Diagnostics;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 8: SIGTERM while <c>pulumi up</c> runs (slowed to 10 s by the stand-in) does not interrupt it: the
/// daemon exits only after the <c>up</c> ended, with the apply recorded as finished and succeeded, and a restarted
/// daemon finds the stack synced and applies nothing again.
/// </summary>
public sealed class GracefulShutdownTests
{
    private const int SlowUpSeconds = 10;

    [Fact]
    public async Task Sigterm_during_a_slow_up_waits_for_it_and_the_restarted_daemon_applies_nothing()
    {
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Pulumi, GitAaa)
        {
            StandinSwitches = [("SPROCKET_STANDIN_SLOW_UP", SlowUpSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        });
        var pulumi = scenario.Pulumi!;
        var callsBefore = pulumi.Calls().Count;

        var revision = await scenario.CommitTagAsync(GitBbb);
        // The up holds the stack lock from its start: the lock file is the sign that it runs.
        await Eventually.Until(() => Task.FromResult(Directory.Exists(pulumi.LockDirectory) && Directory.GetFiles(pulumi.LockDirectory).Length > 0),
            TimeSpan.FromSeconds(45), "pulumi up holding the stack lock");
        var upRunningSince = Stopwatch.StartNew();
        var running = Assert.Single(scenario.History());
        Assert.Null(running.FinishedAt);

        scenario.Daemon.SendSigterm();
        var exitCode = await scenario.Daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var exitedAfter = upRunningSince.Elapsed;

        Assert.Equal(0, exitCode);
        var finished = Assert.Single(scenario.History());
        Assert.Equal((GitBbb, "Succeeded"), (finished.Tag, finished.Outcome));
        Assert.NotNull(finished.FinishedAt);
        var up = Assert.Single(pulumi.Calls().Skip(callsBefore), c => c.IsUp);
        Assert.Equal(0, up.ExitCode);
        Assert.Empty(Directory.GetFiles(pulumi.LockDirectory));
        // Less than the slow-down: part of it had passed before the lock file was seen. Far more than a plain shutdown takes.
        Assert.True(exitedAfter > TimeSpan.FromSeconds(SlowUpSeconds - 3), $"the daemon exited {exitedAfter} after the up started");
        await scenario.WaitForServicesAtAsync(GitBbb, "the up the daemon waited for");

        await scenario.Daemon.RestartAsync();
        var synced = await scenario.WaitForRevisionAsync(revision, s => s.Status == "synced" && s.Applied.ImageTag == GitBbb,
            $"{scenario.Name} synced after the restart");
        Assert.Equal(GitBbb, synced.OnlyService.LiveTag);
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced", "the daemon restarted after the apply");
        Assert.Single(scenario.History());
        Assert.Single(pulumi.Calls().Skip(callsBefore), c => c.IsUp);
    }
}
