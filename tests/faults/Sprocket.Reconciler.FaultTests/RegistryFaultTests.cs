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
/// the tag git names is applied exactly once. The images name <see cref="FaultyRegistryProxy"/>, in front of the open
/// test registry, so the daemon and Swarm's pulls both go through the fault.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class RegistryFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private static ScenarioOptions Options(FaultyRegistryProxy proxy) => new(Engines.Swarm, GitAaa)
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
        await using var proxy = FaultyRegistryProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));

        proxy.Switch(RegistryFaultMode.Refuse);
        var down = Stopwatch.StartNew();
        var commit = await scenario.CommitTagAsync(GitBbb);

        var waiting = await scenario.WaitForRevisionAsync(commit, s => s.Message.Contains("registry unavailable", StringComparison.Ordinal),
            "the stack waiting on the unreachable registry");
        Assert.Equal("out-of-sync", waiting.Status);
        await HoldTheFaultAsync(scenario, down, s => s.Status is not ("invalid" or "failed" or "held"), "the registry is down mid-apply");
        await AssertCircuitClosedAsync(scenario);

        proxy.Switch(RegistryFaultMode.Forward);
        var cleared = Stopwatch.StartNew();
        await scenario.WaitForServicesAtAsync(GitBbb, "the tag applied once the registry is back");
        await scenario.WaitAsync(s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{scenario.Name} synced at {GitBbb}");
        var recovery = cleared.Elapsed;

        // No storm: later evaluations apply nothing more.
        await scenario.AssertNothingAppliedAsync(await scenario.SnapshotsAsync(), s => s.Status == "synced", "the registry is back");
        var wrongApplies = AssertOneApplyOf(scenario, GitBbb);
        RecoveryRecord.Write(output, "registry down 10 s (connection refused)", "mid-apply", wrongApplies, recovery);
    }

    [Fact]
    public async Task A_registry_that_accepts_and_never_answers_delays_the_apply_without_failing_it()
    {
        await using var proxy = FaultyRegistryProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));

        proxy.Switch(RegistryFaultMode.Stall);
        var stalled = Stopwatch.StartNew();
        var commit = await scenario.CommitTagAsync(GitBbb);

        // Each question waits out Registry:RequestTimeout (3 s here), then counts as unreachable.
        var waiting = await scenario.WaitForRevisionAsync(commit, s => s.Message.Contains("did not answer in time", StringComparison.Ordinal),
            "the stack waiting on the stalled registry");
        Assert.Equal("out-of-sync", waiting.Status);
        await HoldTheFaultAsync(scenario, stalled, s => s.Status is not ("invalid" or "failed" or "held"), "the registry stalls mid-apply");
        await AssertCircuitClosedAsync(scenario);

        proxy.Switch(RegistryFaultMode.Forward);
        var cleared = Stopwatch.StartNew();
        await scenario.WaitForServicesAtAsync(GitBbb, "the tag applied once the registry answers again");
        await scenario.WaitAsync(s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{scenario.Name} synced at {GitBbb}");
        var recovery = cleared.Elapsed;

        var wrongApplies = AssertOneApplyOf(scenario, GitBbb);
        RecoveryRecord.Write(output, "registry stalls 10 s (accepts, never answers)", "mid-apply", wrongApplies, recovery);
    }

    [Fact]
    public async Task A_registry_down_while_idle_leaves_the_stack_synced_and_applies_nothing()
    {
        await using var proxy = FaultyRegistryProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));
        var before = await scenario.SnapshotsAsync();

        proxy.Switch(RegistryFaultMode.Refuse);
        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "synced", "the registry is down while idle", evaluations: 4);
        await AssertCircuitClosedAsync(scenario);

        proxy.Switch(RegistryFaultMode.Forward);
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
        await using var proxy = FaultyRegistryProxy.Start(TestEnvironment.Current.Registry);
        await using var scenario = await ReconcileScenario.StartAsync(Options(proxy));

        proxy.Switch(RegistryFaultMode.RateLimit, retryAfterSeconds: 3);
        var limited = Stopwatch.StartNew();
        var commit = await scenario.CommitTagAsync(GitBbb);

        var waiting = await scenario.WaitForRevisionAsync(commit, s => s.Message.Contains("HTTP 429", StringComparison.Ordinal),
            "the stack waiting on the rate-limiting registry");
        Assert.Equal("out-of-sync", waiting.Status);
        Assert.Contains("retrying at", waiting.Message, StringComparison.Ordinal);
        await HoldTheFaultAsync(scenario, limited, s => s.Status is not ("invalid" or "failed" or "held"), "the registry answers 429");
        await AssertCircuitClosedAsync(scenario);
        // Backed off: a few questions per Retry-After, not a hot loop (which would be hundreds in these seconds).
        Assert.InRange(proxy.RateLimitedRequests, 1, 40);

        proxy.Switch(RegistryFaultMode.Forward);
        var cleared = Stopwatch.StartNew();
        await scenario.WaitForServicesAtAsync(GitBbb, "the tag applied once the registry relents");
        await scenario.WaitAsync(s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{scenario.Name} synced at {GitBbb}");
        var recovery = cleared.Elapsed;

        var wrongApplies = AssertOneApplyOf(scenario, GitBbb);
        RecoveryRecord.Write(output, "registry 429 Retry-After 3 s for 10 s", "mid-apply", wrongApplies, recovery);
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
