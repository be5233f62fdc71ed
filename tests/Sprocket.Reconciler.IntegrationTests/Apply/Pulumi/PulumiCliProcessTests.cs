using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;
using Sprocket.Reconciler.IntegrationTests.Git;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Pulumi;

/// <summary>
/// Process plumbing only (PATH, arguments, environment, event-log following, exit codes) with a scripted
/// <c>pulumi</c> that replays the recorded real event log. The proof of the driver against a faithful CLI is
/// <see cref="PulumiStandInEndToEndTests"/>.
/// </summary>
public sealed class PulumiCliProcessTests : IDisposable
{
    private const string Passphrase = "scripted-passphrase-never-logged";
    private readonly ScratchDirectory _scratch = new();
    private readonly FakeLogCollector _logs = new();

    [Fact]
    public async Task Runs_every_step_with_non_interactive_and_follows_the_event_log_to_the_summary()
    {
        var (engine, stack) = await ArrangeAsync(lockedUp: false);
        var progress = new List<ApplyProgress>();

        var result = await engine.ApplyAsync(new ApplyRequest(stack, "sha-bbbbbbb", [], ApplyMode.Deploy, "rev", Sprocket.Reconciler.Reconcile.ReconcileTrigger.Api),
            new ListProgress(progress), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(1, result.Preview!.ChangeSummary["update"]);
        Assert.Contains(progress, line => line.Message == "summary: create=1, same=1 in 7 s");
        Assert.Contains(progress, line => line.Message.StartsWith("create aws:s3/bucket:Bucket completed-bucket done", StringComparison.Ordinal));
        var calls = File.ReadAllLines(_scratch.Combine("calls.log"));
        Assert.Equal(["version", "install", "stack select", "config set image-tag", "preview", "up"], calls.Select(Verb));
        Assert.All(calls, call => Assert.Contains("--non-interactive", call));
        Assert.Contains("config set image-tag --plaintext --stack prod --non-interactive -- sha-bbbbbbb", calls[3]);
        Assert.All(calls, call => Assert.EndsWith("skip=true backend=set", call));
        Assert.DoesNotContain(_logs.GetSnapshot(), record => record.Message.Contains(Passphrase, StringComparison.Ordinal));
        Assert.Equal("sha-bbbbbbb", await engine.ReadAppliedTagAsync(stack, CancellationToken.None));
    }

    [Fact]
    public async Task A_lock_conflict_from_up_is_locked_and_the_passphrase_in_stderr_is_scrubbed()
    {
        var (engine, stack) = await ArrangeAsync(lockedUp: true);

        var result = await engine.ApplyAsync(new ApplyRequest(stack, "sha-bbbbbbb", [], ApplyMode.Deploy, "rev", Sprocket.Reconciler.Reconcile.ReconcileTrigger.Api), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Locked, result.Outcome);
        Assert.Contains("the stack is currently locked by", result.Message);
        Assert.DoesNotContain(Passphrase, result.Message);
        Assert.Contains("***", result.Message);
        Assert.False(File.Exists(UpRunRecord.PathFor(_scratch.Combine("data"), stack.Name)));
    }

    [Fact]
    public async Task An_align_whose_refresh_meets_the_lock_of_our_own_dead_up_asks_for_pulumi_cancel()
    {
        var (engine, stack) = await ArrangeAsync(lockedUp: true);
        // Above Linux's largest pid_max (2^22): no process has it, so the recorded run is dead.
        var dead = new UpRunRecord(4_194_305, DateTimeOffset.UtcNow.AddMinutes(-5), "sha-aaaaaaa", "prod");
        dead.Write(UpRunRecord.PathFor(_scratch.Combine("data"), stack.Name));

        var result = await engine.ApplyAsync(new ApplyRequest(stack, "sha-bbbbbbb", [], ApplyMode.Align, "rev", Sprocket.Reconciler.Reconcile.ReconcileTrigger.Api), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Misconfigured, result.Outcome);
        Assert.Contains("pulumi cancel --yes --stack prod", result.Message, StringComparison.Ordinal);
        Assert.Contains("pid 4194305", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, result.Message);
        Assert.Contains(_logs.GetSnapshot(), record => record.Id.Id == 7014);
        Assert.Equal("refresh", Verb(File.ReadAllLines(_scratch.Combine("calls.log")).Last()));
    }

    [Fact]
    public async Task An_align_whose_preview_would_update_a_service_to_an_unverified_image_never_runs_up()
    {
        var (engine, stack) = await ArrangeAsync(lockedUp: false);

        var result = await engine.ApplyAsync(new ApplyRequest(stack, "sha-bbbbbbb", [], ApplyMode.Align, "rev", Sprocket.Reconciler.Reconcile.ReconcileTrigger.Api), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        Assert.Contains("prod-sprocket-web-service-1a2b3c4: update to ghcr.io/sprocketbot/sprocket-web:sha-bbbbbbb", result.Message, StringComparison.Ordinal);
        Assert.Equal(["version", "install", "stack select", "config set image-tag", "refresh", "stack export", "preview"],
            File.ReadAllLines(_scratch.Combine("calls.log")).Select(Verb));
    }

    [Fact]
    public async Task An_align_whose_refresh_meets_someone_elses_lock_waits()
    {
        var (engine, stack) = await ArrangeAsync(lockedUp: true);

        var result = await engine.ApplyAsync(new ApplyRequest(stack, "sha-bbbbbbb", [], ApplyMode.Align, "rev", Sprocket.Reconciler.Reconcile.ReconcileTrigger.Api), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Locked, result.Outcome);
        Assert.Contains("the stack is currently locked by", result.Message);
        Assert.DoesNotContain(Passphrase, result.Message);
        Assert.DoesNotContain(_logs.GetSnapshot(), record => record.Id.Id == 7014);
    }

    [Fact]
    public async Task A_failed_history_read_throws_rather_than_answering_nothing_applied()
    {
        var (engine, stack) = await ArrangeAsync(lockedUp: false, historyFails: true);

        var failure = await Assert.ThrowsAsync<AppliedTagUnreadableException>(() => engine.ReadAppliedTagAsync(stack, CancellationToken.None));

        Assert.Contains("exit 137", failure.Message, StringComparison.Ordinal);
        Assert.Contains("error: signal: killed", failure.Message, StringComparison.Ordinal);
    }

    private async Task<(IApplyEngine, Core.Desired.StackSpec)> ArrangeAsync(bool lockedUp, bool historyFails = false)
    {
        var program = await WorkRepository.InitAsync(_scratch.Combine("program"));
        await program.CommitFileAsync("infra/platform/Pulumi.yaml", "name: platform\nruntime: yaml\n");
        var bin = _scratch.Combine("bin");
        Directory.CreateDirectory(bin);
        var script = Path.Combine(bin, "pulumi");
        File.WriteAllText(script, Script(lockedUp));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reconciler:DataDirectory"] = _scratch.Combine("data"),
            ["Reconciler:Pulumi:Binary"] = script,
            ["Reconciler:Pulumi:EventLogPollInterval"] = "00:00:00.050",
            ["Reconciler:Pulumi:Environment:PULUMI_BACKEND_URL"] = "file:///nowhere",
            ["Reconciler:Pulumi:Environment:PULUMI_CONFIG_PASSPHRASE"] = Passphrase,
            ["Reconciler:Pulumi:Environment:CALLS"] = _scratch.Combine("calls.log"),
            ["Reconciler:Pulumi:Environment:HISTORY_FAILS"] = historyFails ? "1" : "",
            ["Reconciler:Pulumi:Environment:FIXTURES"] = Path.GetDirectoryName(PulumiTestPaths.SharedFixture("x"))!,
            ["Reconciler:Pulumi:Environment:TESTDATA"] = Path.GetDirectoryName(PulumiTestPaths.TestData("x"))!,
        }).Build();
        var provider = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)))
            .AddPulumiApplyEngine(configuration)
            .BuildServiceProvider();
        return (provider.GetRequiredService<IApplyEngine>(), PulumiStacks.Stack(program.Directory));
    }

    // Replays the recorded event log a line at a time, so the follower sees a growing file.
    private static string Script(bool lockedUp) => $$"""
        #!/bin/sh
        echo "$* skip=$PULUMI_SKIP_UPDATE_CHECK backend=${PULUMI_BACKEND_URL:+set}" >> "$CALLS"
        case "$1 $2" in
          "version --non-interactive") echo "v3.140.0" ;;
          "preview --json") cat "$TESTDATA/preview-update-service.json" ;;
          "stack history")
            [ -n "$HISTORY_FAILS" ] && { echo "error: signal: killed" >&2; exit 137; }
            cat "$TESTDATA/stack-history.json" ;;
          "stack export") echo '{"version": 3, "deployment": {"resources": []} }' ;;
          "refresh --yes")
            {{(lockedUp ? "echo \"error: the stack is currently locked by 1 lock(s). passphrase was $PULUMI_CONFIG_PASSPHRASE\" >&2; exit 255" : "")}}
            ;;
          "up --yes")
            {{(lockedUp ? "echo \"error: the stack is currently locked by 1 lock(s). passphrase was $PULUMI_CONFIG_PASSPHRASE\" >&2; exit 255" : "")}}
            log=""; prev=""; for a in "$@"; do [ "$prev" = "--event-log" ] && log="$a"; prev="$a"; done
            while IFS= read -r line; do echo "$line" >> "$log"; done < "$FIXTURES/event-log-up-interrupted.jsonl"
            ;;
        esac
        exit 0
        """;

    private static string Verb(string call) => string.Join(' ', call.Split(' ').TakeWhile(word => !word.StartsWith('-')));

    public void Dispose() => _scratch.Dispose();

    private sealed class ListProgress(List<ApplyProgress> lines) : IProgress<ApplyProgress>
    {
        public void Report(ApplyProgress value)
        {
            lock (lines)
                lines.Add(value);
        }
    }
}
