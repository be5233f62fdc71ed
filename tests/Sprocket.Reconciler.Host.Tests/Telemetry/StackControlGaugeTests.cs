using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Host.Tests.Loop;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>
/// The hold, stabilization and circuit gauges, scraped through the real exporter while the real loop lives a story:
/// alert rules rely on each series appearing when the state begins and disappearing (or dropping to 0) when it ends.
/// </summary>
[Collection(ScrapedDaemonsCollection.Name)]
public sealed class StackControlGaugeTests : IDisposable
{
    // Other tests' daemons share the meter name in this process: a stack name of its own keeps the samples apart.
    private const string Stack = "gauges";
    private const string Service = "gauges-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private const string Ccc = "git-ccc3333";
    private readonly World _world = new();

    [Fact]
    public async Task An_emergency_rollback_hold_and_its_stabilization_clock_are_series_only_until_git_is_realigned()
    {
        await using var metrics = await MetricsEndpoint.StartAsync();
        await using var daemon = await RunningAsync(Aaa);
        _world.Git.Commit(World.Yaml(Stack, Bbb, stabilization: "3m"));
        await daemon.PollAsync();

        var before = await metrics.ScrapeAsync();
        Assert.Empty(before.Find(MetricNames.StackHeldSince, ("stack", Stack)));
        Assert.Empty(before.Find(MetricNames.StackStabilizationDeadline, ("stack", Stack)));
        Assert.Equal(180, before.Value(MetricNames.StackStabilization, ("stack", Stack)));

        _world.Swarm.RollBack(Service);
        var rolledBackAt = _world.Time.GetUtcNow();
        await daemon.EventAsync(Service);
        Assert.Equal(StackStatus.Held, daemon.Control(Stack).Status);

        var held = await metrics.ScrapeAsync();
        var since = Assert.Single(held.Find(MetricNames.StackHeldSince, ("stack", Stack)));
        Assert.Equal(("emergency-rollback", rolledBackAt.ToUnixTimeSeconds()), (since.Labels["reason"], (long)since.Value));
        Assert.Equal((rolledBackAt + TimeSpan.FromMinutes(3)).ToUnixTimeSeconds(),
            (long?)held.Value(MetricNames.StackStabilizationDeadline, ("stack", Stack)));

        await daemon.AdvanceAsync(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        Assert.Single(_world.WriteBack.Written);
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);

        var realigned = await metrics.ScrapeAsync();
        Assert.True(realigned.Find(MetricNames.StackHeldSince, ("stack", Stack)).Count == 0, realigned.Describe(MetricNames.StackHeldSince));
        Assert.True(realigned.Find(MetricNames.StackStabilizationDeadline, ("stack", Stack)).Count == 0,
            realigned.Describe(MetricNames.StackStabilizationDeadline));
    }

    [Fact]
    public async Task A_manual_hold_is_a_series_with_reason_manual_until_git_names_another_tag()
    {
        await using var metrics = await MetricsEndpoint.StartAsync();
        await using var daemon = await RunningAsync(Aaa);
        var hold = new HoldRequested(Stack, "api");
        daemon.Inbox.Post(hold);
        await daemon.SettleAsync();

        var held = Assert.Single((await metrics.ScrapeAsync()).Find(MetricNames.StackHeldSince, ("stack", Stack)));
        Assert.Equal("manual", held.Labels["reason"]);
        Assert.Empty((await metrics.ScrapeAsync()).Find(MetricNames.StackStabilizationDeadline, ("stack", Stack)));

        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();

        Assert.Empty((await metrics.ScrapeAsync()).Find(MetricNames.StackHeldSince, ("stack", Stack)));
    }

    [Fact]
    public async Task The_circuit_gauge_is_1_after_the_policy_s_failed_applies_and_0_again_once_git_names_another_tag()
    {
        await using var metrics = await MetricsEndpoint.StartAsync();
        await using var daemon = await RunningAsync(Aaa);
        Assert.Equal(0, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyCircuitOpen, ("stack", Stack)));

        _world.Engine.FailuresLeft[Stack] = 3;
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        // The default policy allows 3 consecutive failures; backoff waits 2 s then 6 s between them.
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(0, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyCircuitOpen, ("stack", Stack)));
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(7));
        Assert.Equal(3, _world.Engine.Applies.Count(a => a.Tag == Bbb));

        Assert.Equal(1, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyCircuitOpen, ("stack", Stack)));

        _world.Git.Commit(World.Yaml(Stack, Ccc));
        await daemon.PollAsync();

        Assert.Equal(0, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyCircuitOpen, ("stack", Stack)));
    }

    /// <summary>Git names <paramref name="tag"/>, which runs: the daemon started and settled on a synced stack.</summary>
    private Task<LoopHarness> RunningAsync(string tag) => LoopHarness.StartSyncedAsync(_world, Stack, Service, tag);

    public void Dispose() => _world.Dispose();
}
