using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// Issue 12, the registry down, slow or rate limiting: a pre-flight that could not ask the registry applied nothing, so it
/// is retried on a short backoff, never counted toward the circuit and never <c>invalid</c>; once the registry answers,
/// the tag git names is applied exactly once. The images name <see cref="FaultyHttpProxy"/>, in front of the open
/// test registry, so the daemon and Swarm's pulls both go through the fault.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class RegistryFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private static ScenarioOptions Options(FaultyHttpProxy proxy) => new(Engines.Swarm, GitAaa)
    {
        RegistryHost = proxy.Host,
        ExtraArguments =
        [
            // Evaluate often, and ask the registry on every evaluation, so the fault is met on every pass.
            "--Reconciler:ResyncInterval=00:00:02",
            "--Reconciler:Registry:TagRecheckInterval=00:00:01",
            "--Reconciler:Registry:RequestTimeout=00:00:03",
        ],
    };

    [Fact]
    public async Task A_registry_down_while_git_names_a_new_tag_delays_the_apply_without_failing_it_then_applies_it_once()
    {
        await using var proxy = FaultyHttpProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));

        await FaultWhileGitNamesANewTagAsync(proxy, scenario, HttpFaultMode.Refuse, "registry unavailable", "the registry is down mid-apply");

        var recovery = await ClearAndWaitForTheTagAsync(proxy, scenario, "the tag applied once the registry is back");

        // No storm: later evaluations apply nothing more.
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced", "the registry is back");
        var wrongApplies = AssertOneApplyOf(scenario, GitBbb);
        RecoveryRecord.Write(output, "registry down 10 s (connection refused)", "mid-apply", wrongApplies, recovery);
    }

    [Fact]
    public async Task A_registry_that_accepts_and_never_answers_delays_the_apply_without_failing_it()
    {
        await using var proxy = FaultyHttpProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));

        // Each question waits out Registry:RequestTimeout (3 s here), then counts as unreachable.
        await FaultWhileGitNamesANewTagAsync(proxy, scenario, HttpFaultMode.Stall, "did not answer in time", "the registry stalls mid-apply");

        var recovery = await ClearAndWaitForTheTagAsync(proxy, scenario, "the tag applied once the registry answers again");

        var wrongApplies = AssertOneApplyOf(scenario, GitBbb);
        RecoveryRecord.Write(output, "registry stalls 10 s (accepts, never answers)", "mid-apply", wrongApplies, recovery);
    }

    [Fact]
    public async Task A_registry_down_while_idle_leaves_the_stack_synced_and_applies_nothing()
    {
        await using var proxy = FaultyHttpProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));
        var before = await scenario.SnapshotsAsync();

        proxy.Switch(HttpFaultMode.Refuse);
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "synced", "the registry is down while idle", evaluations: 4);
        await AssertCircuitClosedAsync(scenario);

        proxy.Switch(HttpFaultMode.Forward);
        var cleared = Stopwatch.StartNew();
        var clearedAt = DateTimeOffset.UtcNow;
        await scenario.WaitAsync(s => s.Status == "synced" && s.LastReconcile?.At > clearedAt, "the first evaluation after the registry is back");
        var recovery = cleared.Elapsed;

        Assert.Empty(scenario.History());
        RecoveryRecord.Write(output, "registry down (connection refused)", "idle", scenario.History().Count, recovery);
    }

    [Fact]
    public async Task A_rate_limiting_registry_is_backed_off_not_invalid_and_the_tag_applies_once_it_relents()
    {
        await using var proxy = FaultyHttpProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));

        var waiting = await FaultWhileGitNamesANewTagAsync(proxy, scenario, HttpFaultMode.RateLimit, "HTTP 429", "the registry answers 429",
            retryAfterSeconds: 3);
        Assert.Contains("retrying at", waiting.Message, StringComparison.Ordinal);
        // Backed off: a few questions per Retry-After, not a hot loop (which would be hundreds in these seconds).
        Assert.InRange(proxy.RateLimitedRequests, 1, 40);

        var recovery = await ClearAndWaitForTheTagAsync(proxy, scenario, "the tag applied once the registry relents");

        var wrongApplies = AssertOneApplyOf(scenario, GitBbb);
        RecoveryRecord.Write(output, "registry 429 Retry-After 3 s for 10 s", "mid-apply", wrongApplies, recovery);
    }

    /// <summary>
    /// Starts the fault, commits a new tag, and keeps the fault for <see cref="Outage"/>: the stack waits out-of-sync with
    /// a message naming the fault, is never invalid, failed or held, applies nothing, and its circuit stays closed.
    /// </summary>
    private static async Task<StackView> FaultWhileGitNamesANewTagAsync(FaultyHttpProxy proxy, ReconcileScenario scenario,
        HttpFaultMode mode, string messageFragment, string what, int retryAfterSeconds = 5)
    {
        proxy.Switch(mode, retryAfterSeconds);
        var since = Stopwatch.StartNew();
        var commit = await scenario.CommitTagAsync(GitBbb);

        var waiting = await scenario.WaitForRevisionAsync(commit, s => s.Message.Contains(messageFragment, StringComparison.Ordinal),
            $"the stack waiting while {what}");
        Assert.Equal("out-of-sync", waiting.Status);
        await HoldTheFaultAsync(scenario, since, s => s.Status is not ("invalid" or "failed" or "held"), what);
        await AssertCircuitClosedAsync(scenario);
        return waiting;
    }

    /// <summary>Clears the fault and waits for the new tag to run and the stack to be synced; returns how long that took.</summary>
    private static async Task<TimeSpan> ClearAndWaitForTheTagAsync(FaultyHttpProxy proxy, ReconcileScenario scenario, string what)
    {
        proxy.Switch(HttpFaultMode.Forward);
        var cleared = Stopwatch.StartNew();
        await scenario.WaitForServicesAtAsync(GitBbb, what);
        await scenario.WaitAsync(s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{scenario.Name} synced at {GitBbb}");
        return cleared.Elapsed;
    }

    /// <summary>Keeps the fault for <see cref="Outage"/>, checking the stack and the apply history on every poll.</summary>
    private static Task HoldTheFaultAsync(ReconcileScenario scenario, Stopwatch since, Func<StackView, bool> invariant, string what) =>
        Eventually.UntilValue(async () =>
        {
            var stack = await scenario.GetAsync();
            Assert.True(invariant(stack), $"{what}: {stack}");
            Assert.Empty(scenario.History());
            return since.Elapsed;
        }, elapsed => elapsed >= Outage, Outage + TimeSpan.FromSeconds(30), $"{Outage} of '{what}'");

    private static async Task AssertCircuitClosedAsync(ReconcileScenario scenario)
    {
        var scrape = await scenario.Daemon.GetMetricsAsync();
        Assert.Equal(0, scrape.Value("sprocket_reconciler_stack_apply_consecutive_failures", ("stack", scenario.Name)) ?? 0);
        Assert.Equal(0, scrape.Value("sprocket_reconciler_stack_apply_circuit_open", ("stack", scenario.Name)) ?? 0);
    }

    /// <summary>Exactly one apply, of <paramref name="tag"/>, succeeded; returns the applies that should not have happened.</summary>
    private static int AssertOneApplyOf(ReconcileScenario scenario, string tag)
    {
        var rows = scenario.History();
        var wrong = rows.Count(r => r.Tag != tag || r.Outcome != "Succeeded") + Math.Max(0, rows.Count(r => r.Tag == tag && r.Outcome == "Succeeded") - 1);
        Assert.True(rows.Count == 1 && wrong == 0, $"one succeeded apply of {tag} expected; history: {string.Join("; ", rows)}");
        return wrong;
    }
}
