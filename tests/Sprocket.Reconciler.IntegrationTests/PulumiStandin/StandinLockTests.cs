using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>The stack lock: held during up, conflicts reported with the file backend's text, left behind by a crash.</summary>
public sealed class StandinLockTests : IAsyncLifetime
{
    private const string LockConflict =
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.";

    private StandinWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        _workspace = await StandinWorkspace.CreateAsync();
        _workspace.WriteProgram(new StandinService("web", _workspace.Scope.NameFor("web"), SeededImages.Web));
        await _workspace.InitStackAsync(SeededImages.GitAaa);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task A_second_up_fails_while_a_slow_up_holds_the_lock_and_sigint_cancels_the_first_gracefully()
    {
        var slow = _workspace.Start(
            ["up", "--yes", "--skip-preview", "--event-log", _workspace.EventLogPath("slow"), "--stack", "prod", "--non-interactive"],
            new Dictionary<string, string?> { ["SPROCKET_STANDIN_SLOW_UP"] = "60" });
        await Eventually.Until(() => Task.FromResult(_workspace.LockFiles().Length == 1), TimeSpan.FromSeconds(20), "the slow up to take the lock");

        var second = await _workspace.UpAsync("second");

        Assert.Equal(1, second.ExitCode); // v3.259.0: a plain error, ExitCodeError
        Assert.StartsWith(LockConflict, second.StandardError, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(_workspace.LockFiles().Single()), second.StandardError, StringComparison.Ordinal);

        // What Ctrl-C (or the Automation API's cancellation) sends: SIGINT, to this process id only.
        Assert.True(Signals.Send(slow.ProcessId, Signals.SigInt), "the slow up ended before it was interrupted");
        var result = await slow;
        var first = new StandinResult(result.ExitCode, result.StandardOutput, result.StandardError);
        Assert.Equal(1, first.ExitCode); // v3.259.0: BailErrorf("canceled") maps to ExitCodeError, not 8
        Assert.Contains("error: update canceled", first.StandardError, StringComparison.Ordinal);
        Assert.Contains("^C received; cancelling.", first.StandardOutput, StringComparison.Ordinal);
        var log = EventLog.ReadValid(_workspace.EventLogPath("slow"));
        Assert.DoesNotContain(log.Payloads("resOutputsEvent"), e => e["metadata"]!["type"]!.ToString() == "docker:index/service:Service");
        Assert.Empty(_workspace.LockFiles());
        Assert.Empty(await _workspace.Scope.Docker.ListServiceNamesAsync(_workspace.Scope.Prefix));
    }

    [Fact]
    public async Task The_locked_switch_fails_up_as_if_another_process_held_the_lock()
    {
        var up = await _workspace.UpAsync("locked", environment: new Dictionary<string, string?> { ["SPROCKET_STANDIN_LOCKED"] = "1" });

        Assert.Equal(1, up.ExitCode);
        Assert.StartsWith(LockConflict, up.StandardError, StringComparison.Ordinal);
        Assert.Empty(_workspace.LockFiles());
        Assert.Empty(File.ReadAllText(_workspace.EventLogPath("locked")));
    }

    [Fact]
    public async Task A_crash_leaves_the_lock_behind_until_pulumi_cancel_removes_it()
    {
        var crashed = await _workspace.UpAsync("crash", environment: new Dictionary<string, string?> { ["SPROCKET_STANDIN_CRASH"] = "1" });

        Assert.NotEqual(0, crashed.ExitCode);
        Assert.Single(_workspace.LockFiles());
        var partial = EventLog.ReadValid(_workspace.EventLogPath("crash"), complete: false);
        Assert.Empty(partial.Payloads("summaryEvent"));
        Assert.Empty(partial.Payloads("cancelEvent"));

        var blocked = await _workspace.UpAsync("blocked");
        Assert.StartsWith(LockConflict, blocked.StandardError, StringComparison.Ordinal);

        StandinWorkspace.AssertSucceeded(await _workspace.RunAsync(["cancel", "--yes", "--stack", "prod", "--non-interactive"]));
        Assert.Empty(_workspace.LockFiles());
        StandinWorkspace.AssertSucceeded(await _workspace.UpAsync("after"));
    }
}
