using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// Issue 12, the desired-state git remote down, answering 5xx, or its branch force-pushed. The daemon reads the desired
/// state as it reads GitHub (smart HTTP, the real <c>git http-backend</c>, token as <c>x-access-token</c>'s password)
/// through a <see cref="FaultyHttpProxy"/>. A failed fetch applies nothing and fails no stack: the last good state stays
/// in force, the stack message and <c>desired_state_fetch_failing</c> say the remote is failing, and the next poll after
/// it clears recovers. A force-push is a new head judged like any other (applied when valid, refused when not), and the
/// agent says the branch moved backwards or was rewritten, from which revision to which. A remote that accepts and never
/// answers fails the fetch after <c>DesiredState:RemoteTimeout</c> (it used to hold the fetch, and every poll after it,
/// forever, with nothing saying so).
/// </summary>
[Collection(RemoteFaultSuite.Name)]
public sealed class GitRemoteFaultTests(ITestOutputHelper output) : IAsyncDisposable
{
    private const string Owner = "SprocketBot";
    private const string Repo = "desired-state";
    private const string Token = "ghp_gitRemoteFault0123456789abcdefABCDEF";
    private const string FetchFailing = "sprocket_reconciler_desired_state_fetch_failing";
    private const string ForcedPushes = "sprocket_reconciler_desired_state_forced_pushes_total";

    private readonly ScratchDirectory _served = new();
    private GitHttpBackendServer? _server;
    private FaultyHttpProxy? _proxy;

    private async Task<ReconcileScenario> StartAsync(IReadOnlyList<string>? swarmUpdate = null)
    {
        _server = await GitHttpBackendServer.StartAsync(Directory.CreateDirectory(_served.Combine("projects")).FullName, Token);
        _proxy = FaultyHttpProxy.Start(_server.BaseAddress);
        return await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa)
        {
            BareDesiredState = true,
            DesiredRepositoryUrl = Serve,
            SwarmUpdateArguments = swarmUpdate,
            ExtraArguments =
            [
                $"--Reconciler:GitHub:Token={Token}",
                // The token is for git here; the notifier faults are GitHub's own test.
                "--Reconciler:GitHub:Notify=false",
                // A stalled remote fails the fetch after this long instead of holding it (and every later poll) forever.
                "--Reconciler:DesiredState:RemoteTimeout=00:00:03",
            ],
        });
    }

    private string Serve(string repositoryPath)
    {
        var owner = Directory.CreateDirectory(Path.Combine(_served.Combine("projects"), Owner)).FullName;
        File.CreateSymbolicLink(Path.Combine(owner, Repo + ".git"), repositoryPath);
        return new Uri(_proxy!.Through(_server!.BaseAddress), $"{Owner}/{Repo}.git").AbsoluteUri;
    }

    [Fact]
    public async Task A_remote_down_or_answering_5xx_keeps_the_last_good_state_in_force_and_recovers_at_the_next_poll()
    {
        // A long update monitor keeps the apply of the new tag running while the remote goes down under it.
        await using var scenario = await StartAsync(["--update-monitor", "6s"]);
        var proxy = _proxy!;

        foreach (var (mode, fault) in new[]
                 {
                     (HttpFaultMode.Refuse, "git remote down (connection refused)"),
                     (HttpFaultMode.ServerError, "git remote answers 503"),
                     (HttpFaultMode.Stall, "git remote stalls (accepts, never answers; RemoteTimeout 3 s)"),
                 })
        {
            var before = await scenario.SnapshotsAsync();
            proxy.Switch(mode);
            await WaitForFetchFailingAsync(scenario, $"{fault} while idle");
            // Several polls and evaluations while it lasts: still synced at the last good revision, nothing applied.
            await scenario.AssertNothingAppliedAsync(before, s => s.Status == "synced" && s.Desired.Revision == scenario.Daemon.InitialRevision,
                $"{fault} while idle", evaluations: 3);
            var recovery = await ClearAsync(scenario, $"{fault} cleared");
            Assert.Empty(scenario.History());
            RecoveryRecord.Write(output, fault, "idle", scenario.History().Count, recovery);
        }

        // Mid-apply: git names a new tag, the apply starts, and the remote goes down while it runs.
        var commit = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(commit, s => s.Status == "applying", $"the apply of {GitBbb} running");
        proxy.Switch(HttpFaultMode.Refuse);
        // The apply finishes with the remote down (nothing is undone), and the failing remote is said meanwhile.
        var finished = await scenario.WaitForRevisionAsync(commit,
            s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb && s.Message.Contains("desired state fetch-failed", StringComparison.Ordinal),
            $"the apply of {GitBbb} finished while the remote is down");
        await WaitForFetchFailingAsync(scenario, "the remote down mid-apply");
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced" && s.Desired.Revision == commit,
            "the remote down after the apply", evaluations: 2);
        var midApply = await ClearAsync(scenario, "the remote back after the apply");
        var wrong = WrongApplies(scenario, [GitBbb]);
        RecoveryRecord.Write(output, "git remote down (connection refused)", "mid-apply", wrong, midApply);
        output.WriteLine($"finished while down: {finished.Message}");
    }

    [Fact]
    public async Task A_force_pushed_branch_is_told_applied_only_when_valid_and_an_invalid_head_leaves_the_last_good_state()
    {
        await using var scenario = await StartAsync(["--update-monitor", "3s"]);
        var daemon = scenario.Daemon;
        var initial = daemon.InitialRevision;

        // Idle: git moves to BBB, then is force-pushed back to the revision naming AAA (still resolvable, immutable).
        var bbb = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(bbb, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"synced at {GitBbb}");
        var pushed = Stopwatch.StartNew();
        await ForcePushAsync(daemon, initial);
        await scenario.WaitForRevisionAsync(initial, s => s.Status == "synced" && s.OnlyService.LiveTag == GitAaa,
            $"{GitAaa} applied again after the force-push back");
        var backwards = pushed.Elapsed;
        await AssertForcePushToldAsync(scenario, "backwards", bbb, initial, count: 1);
        RecoveryRecord.Write(output, "git branch force-pushed back to an older revision (valid tag)", "idle",
            WrongApplies(scenario, [GitBbb, GitAaa]), backwards);

        // Mid-apply: BBB is being applied when the branch is force-pushed back under it. The apply finishes (nothing
        // is cut or undone), then the older revision, valid, is the desired state and is applied.
        var bbbAgain = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(bbbAgain, s => s.Status == "applying", $"the second apply of {GitBbb} running");
        pushed.Restart();
        await ForcePushAsync(daemon, initial);
        await scenario.WaitForRevisionAsync(initial, s => s.Status == "synced" && s.OnlyService.LiveTag == GitAaa,
            $"{GitAaa} applied after the force-push back mid-apply");
        var midApply = pushed.Elapsed;
        await AssertForcePushToldAsync(scenario, "backwards", bbbAgain, initial, count: 2);
        var expected = new[] { GitBbb, GitAaa, GitBbb, GitAaa };
        Assert.True(scenario.History().Count == expected.Length && scenario.History().All(r => r.Outcome == "Succeeded"),
            $"every apply ran to its end: {string.Join("; ", scenario.History())}");
        RecoveryRecord.Write(output, "git branch force-pushed back to an older revision (valid tag)", "mid-apply",
            WrongApplies(scenario, expected), midApply);

        // Idle: the branch is rewritten to a commit whose file is invalid. AAA stays in force; the status says invalid
        // at that revision; nothing is applied. Then a valid file is pushed over it.
        var before = await scenario.SnapshotsAsync();
        var invalid = await RewriteAsync(daemon, initial, "version: 1\nstacks: [ this is not a stack\n");
        await scenario.WaitAsync(s => s.Message.Contains("desired state invalid", StringComparison.Ordinal) && s.Message.Contains(initial[..12], StringComparison.Ordinal),
            "the stack message saying the rewritten head is invalid and the last good revision stays");
        await AssertForcePushToldAsync(scenario, "rewritten", initial, invalid, count: 1);
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "synced" && s.Desired.Revision == initial,
            "the rewritten head is invalid", evaluations: 3);
        pushed.Restart();
        var fixedHead = await daemon.CommitDesiredStateAsync(ReconcileYaml.Render(scenario.Stack.WithTag(GitAaa)), "valid again");
        await scenario.WaitForRevisionAsync(fixedHead, s => s.Status == "synced" && !s.Message.Contains("desired state", StringComparison.Ordinal),
            "the valid head in force again");
        RecoveryRecord.Write(output, "git branch rewritten to a revision with an invalid file", "idle",
            WrongApplies(scenario, expected), pushed.Elapsed);

        // Mid-apply: the commit naming BBB is being applied when it is amended into an invalid file and force-pushed.
        // The apply finishes; BBB's revision stays in force, the status says the rewritten head is invalid; nothing more.
        var bbbThird = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(bbbThird, s => s.Status == "applying", $"the third apply of {GitBbb} running");
        var invalidAgain = await RewriteAsync(daemon, bbbThird, "version: 1\nstacks: [ still not a stack\n");
        await scenario.WaitForRevisionAsync(bbbThird, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb
                && s.Message.Contains("desired state invalid", StringComparison.Ordinal) && s.Message.Contains(bbbThird[..12], StringComparison.Ordinal),
            $"the apply of {GitBbb} finished, the rewritten head refused, {GitBbb}'s revision in force");
        await AssertForcePushToldAsync(scenario, "rewritten", bbbThird, invalidAgain, count: 2);
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced" && s.Desired.Revision == bbbThird,
            "the rewritten head is invalid after the apply", evaluations: 2);
        pushed.Restart();
        var validAgain = await daemon.CommitDesiredStateAsync(ReconcileYaml.Render(scenario.Stack.WithTag(GitBbb)), "valid again");
        await scenario.WaitForRevisionAsync(validAgain, s => s.Status == "synced" && !s.Message.Contains("desired state", StringComparison.Ordinal),
            "the valid head in force again after the mid-apply rewrite");
        RecoveryRecord.Write(output, "git branch rewritten to a revision with an invalid file", "mid-apply",
            WrongApplies(scenario, [.. expected, GitBbb]), pushed.Elapsed);
    }

    private static async Task WaitForFetchFailingAsync(ReconcileScenario scenario, string what)
    {
        await scenario.WaitAsync(s => s.Message.Contains("desired state fetch-failed", StringComparison.Ordinal) && s.Status is not ("invalid" or "failed"),
            $"the stack message saying the fetch fails ({what})");
        await Eventually.Until(async () => (await scenario.Daemon.GetMetricsAsync()).Find(FetchFailing).Sum(s => s.Value) == 1,
            TimeSpan.FromSeconds(30), $"{FetchFailing} at 1 ({what})");
        var scrape = await scenario.Daemon.GetMetricsAsync();
        Assert.True(scrape.Find("sprocket_reconciler_desired_state_fetch_failures_total", ("reason", "unreachable")).Sum(s => s.Value) > 0,
            scrape.Describe("sprocket_reconciler_desired_state_fetch_failures_total"));
        Assert.Equal(0, scrape.Find("sprocket_reconciler_stack_apply_consecutive_failures", ("stack", scenario.Name)).Sum(s => s.Value));
    }

    /// <summary>Forwards again; returns how long until the failing remote is no longer said (the next poll's fetch).</summary>
    private async Task<TimeSpan> ClearAsync(ReconcileScenario scenario, string what)
    {
        _proxy!.Switch(HttpFaultMode.Forward);
        var cleared = Stopwatch.StartNew();
        await scenario.WaitAsync(s => s.Status == "synced" && !s.Message.Contains("desired state fetch-failed", StringComparison.Ordinal), what);
        var recovery = cleared.Elapsed;
        await Eventually.Until(async () => (await scenario.Daemon.GetMetricsAsync()).Find(FetchFailing).Sum(s => s.Value) == 0,
            TimeSpan.FromSeconds(30), $"{FetchFailing} back at 0 ({what})");
        return recovery;
    }

    /// <summary>The branch set to <paramref name="revision"/> in the bare remote, as <c>git push --force</c> does.</summary>
    private static async Task ForcePushAsync(DaemonProcess daemon, string revision)
    {
        await GitCli.RunAsync(daemon.WorkingCopyPath, "reset", "--quiet", "--hard", revision);
        await GitCli.RunAsync(daemon.WorkingCopyPath, "push", "--quiet", "--force", "origin", "main");
    }

    /// <summary><paramref name="head"/> amended (so the new commit does not descend from it) and force-pushed; returns it.</summary>
    private static async Task<string> RewriteAsync(DaemonProcess daemon, string head, string content)
    {
        await GitCli.RunAsync(daemon.WorkingCopyPath, "reset", "--quiet", "--hard", head);
        await File.WriteAllTextAsync(Path.Combine(daemon.WorkingCopyPath, DesiredStateYaml.FileName), content);
        await GitCli.RunAsync(daemon.WorkingCopyPath, "commit", "--quiet", "--amend", "--all", "-m", "rewritten history");
        await GitCli.RunAsync(daemon.WorkingCopyPath, "push", "--quiet", "--force", "origin", "main");
        return await GitCli.RunAsync(daemon.WorkingCopyPath, "rev-parse", "HEAD");
    }

    /// <summary>The force-push is said three ways: the Warning (EventId 2105) naming both revisions, the counter by kind,
    /// and an entry on the stack's timeline.</summary>
    private static async Task AssertForcePushToldAsync(ReconcileScenario scenario, string kind, string from, string to, int count)
    {
        var daemon = scenario.Daemon;
        await Eventually.Until(() => Task.FromResult(daemon.Output.Count(line =>
                line.Contains("[2105]", StringComparison.Ordinal) && line.Contains($"({kind}) from revision {from} to {to}", StringComparison.Ordinal)) == 1),
            TimeSpan.FromSeconds(20), $"one EventId 2105 warning: {kind} from {from} to {to}");
        var scrape = await daemon.GetMetricsAsync();
        Assert.Equal(count, scrape.Find(ForcedPushes, ("kind", kind)).Sum(s => s.Value));
        using var events = await daemon.GetAsync($"api/v1/stacks/{Uri.EscapeDataString(scenario.Name)}/events");
        var timeline = await events.Content.ReadAsStringAsync();
        Assert.Contains($"force-pushed ({kind}) from revision {from[..12]} to {to[..12]}", timeline, StringComparison.Ordinal);
        Assert.Contains("\"desired-branch-force-pushed\"", timeline, StringComparison.Ordinal);
    }

    /// <summary>The applies that were not the <paramref name="expected"/> succeeded ones, in order.</summary>
    private static int WrongApplies(ReconcileScenario scenario, IReadOnlyList<string> expected)
    {
        var rows = scenario.History();
        var wrong = rows.Count(r => r.Outcome != "Succeeded") + Math.Abs(rows.Count - expected.Count)
            + rows.Zip(expected).Count(pair => pair.First.Tag != pair.Second);
        Assert.True(wrong == 0, $"applies {string.Join(", ", expected)} expected; history: {string.Join("; ", rows)}");
        return wrong;
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null) await _proxy.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        _served.Dispose();
    }
}
