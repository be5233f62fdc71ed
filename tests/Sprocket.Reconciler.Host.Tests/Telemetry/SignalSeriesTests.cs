using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Host.Tests.Loop;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>
/// Series the dashboard and the alert rules read, scraped through the real exporter: counters exported at 0 before their
/// first event (increase() sees nothing of a series that first appears at 1), the failed-apply streak, the verdict on the
/// newest revision, and the last-synced time across a restart.
/// </summary>
[Collection(ScrapedDaemonsCollection.Name)]
public sealed class SignalSeriesTests : IDisposable
{
    // Other tests' daemons share the meter name in this process: stack names of its own keep the samples apart.
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task Rollback_and_realignment_counters_of_each_evaluated_stack_are_exported_at_0_before_any_rollback()
    {
        const string stack = "zeroes";
        await using var metrics = await MetricsEndpoint.StartAsync();
        await using var daemon = await RunningAsync(stack, Aaa);

        var scrape = await metrics.ScrapeAsync();
        var rollbacks = Assert.Single(scrape.Find(MetricNames.EmergencyRollbacks, ("stack", stack)));
        Assert.Equal(("zeroes-web", 0.0), (rollbacks.Labels["service"], rollbacks.Value));
        var realignments = scrape.Find(MetricNames.Realignments, ("stack", stack));
        Assert.Equal(["aligned", "commit", "failed", "nothing-to-do", "pull-request", "superseded"],
            realignments.Select(s => s.Labels["outcome"]).Order(StringComparer.Ordinal));
        Assert.All(realignments, s => Assert.Equal(0, s.Value));

        // The first rollback is then a step from 0 to 1, which increase() sees.
        _world.Git.Commit(World.Yaml(stack, Bbb));
        await daemon.PollAsync();
        _world.Swarm.RollBack("zeroes-web");
        await daemon.EventAsync("zeroes-web");
        Assert.Equal(1, (await metrics.ScrapeAsync()).Value(MetricNames.EmergencyRollbacks, ("stack", stack), ("service", "zeroes-web")));
    }

    [Fact]
    public async Task Only_running_managed_services_get_a_rollback_series_not_a_missing_one_nor_an_observed_one()
    {
        const string stack = "globbed";
        await using var metrics = await MetricsEndpoint.StartAsync();
        _world.Swarm.Add(stack + "-web", World.Image(Aaa));
        const string legacy = "registry.test/legacy";
        _world.Swarm.Add(stack + "-legacy", $"{legacy}:{Aaa}@{FakeRegistry.DigestOf(Aaa)}");
        _world.Git.Commit($"""
            version: 1
            stacks:
              - name: {stack}
                engine: swarm
                imageTag: {Aaa}
                services:
                  - repository: {LoopHarness.Web}
                    match: {stack}-web*
                  - repository: registry.test/api
                    match: {stack}-api*
                observeOnly:
                  - {"{"} repository: {legacy}, match: {stack}-legacy*, tag: {Aaa} {"}"}
            immutableTagPattern: '^(git|sha)-[0-9a-f]{"{"}7,40{"}"}$'
            """);
        await using var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();

        // The missing service is named by its glob (a `rollback globbed/globbed-api*` line), and an observed one is
        // never rolled back by the agent's count: neither gets a series.
        var evaluated = daemon.Store.Current.Stacks.Single(s => s.Stack == stack).Services;
        Assert.Equal(["globbed-api*", "globbed-legacy", "globbed-web"], evaluated.Select(s => s.Name).Order(StringComparer.Ordinal));
        var rollbacks = (await metrics.ScrapeAsync()).Find(MetricNames.EmergencyRollbacks, ("stack", stack));
        Assert.Equal(["globbed-web"], rollbacks.Select(s => s.Labels["service"]));
    }

    [Fact]
    public async Task Fetch_failure_reasons_and_notification_counters_are_exported_at_0_from_the_start()
    {
        await using var metrics = await MetricsEndpoint.StartAsync();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        const string repository = "https://git.test/zero-failures.git";

        new DesiredStateMetrics(meterFactory).Fetching(repository);
        using var hub = new NotificationHub([new SilentNotifier("zero-notifier")], Options.Create(new NotificationOptions()),
            new NotificationMetrics(meterFactory), NullLogger<NotificationHub>.Instance);
        await hub.StartAsync(CancellationToken.None);
        await hub.StopAsync(CancellationToken.None);

        var scrape = await metrics.ScrapeAsync();
        var failures = scrape.Find(MetricNames.DesiredStateFetchFailures, ("repository", repository));
        Assert.Equal(["auth", "branch-missing", "file-missing", "storage", "unreachable"], failures.Select(s => s.Labels["reason"]).Order(StringComparer.Ordinal));
        Assert.All(failures, s => Assert.Equal(0, s.Value));
        foreach (var name in new[] { NotifyMetricNames.NotificationFailures, NotifyMetricNames.Notifications })
        {
            var started = scrape.Find(name, ("notifier", "zero-notifier"));
            Assert.Equal(NotificationKind.All.Order(StringComparer.Ordinal), started.Select(s => s.Labels["kind"]).Order(StringComparer.Ordinal));
            Assert.All(started, s => Assert.Equal(0, s.Value));
        }
    }

    [Fact]
    public async Task The_failed_apply_streak_stays_above_0_through_the_retries_that_show_applying()
    {
        const string stack = "streak";
        await using var metrics = await MetricsEndpoint.StartAsync();
        await using var daemon = await RunningAsync(stack, Aaa);
        Assert.Equal(0, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyConsecutiveFailures, ("stack", stack)));

        _world.Engine.FailuresLeft[stack] = 2;
        _world.Git.Commit(World.Yaml(stack, Bbb));
        await daemon.PollAsync();
        Assert.Equal(1, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyConsecutiveFailures, ("stack", stack)));

        // Backoff: the second attempt 2 s later fails too; the third (6 s on) succeeds and ends the streak.
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(2, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyConsecutiveFailures, ("stack", stack)));
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(7));
        Assert.Equal(StackStatus.Synced, daemon.Control(stack).Status);
        Assert.Equal(0, (await metrics.ScrapeAsync()).Value(MetricNames.StackApplyConsecutiveFailures, ("stack", stack)));
    }

    [Fact]
    public async Task A_stack_stuck_across_a_restart_still_exports_when_it_was_last_synced()
    {
        const string stack = "stuck";
        await using var metrics = await MetricsEndpoint.StartAsync();
        var daemon = await RunningAsync(stack, Aaa, onEmergencyRollback: "hold");
        _world.Git.Commit(World.Yaml(stack, Bbb, onEmergencyRollback: "hold"));
        await daemon.PollAsync();
        await daemon.AdvanceAsync(TimeSpan.FromMinutes(5));
        _world.Swarm.RollBack("stuck-web");
        await daemon.EventAsync("stuck-web");
        Assert.Equal(StackStatus.Held, daemon.Control(stack).Status);
        await daemon.AdvanceAsync(TimeSpan.FromMinutes(30));
        var syncedAt = (await metrics.ScrapeAsync()).Value(MetricNames.LastSuccessfulSync, ("stack", stack));
        Assert.True(syncedAt <= (_world.Time.GetUtcNow() - TimeSpan.FromMinutes(30)).ToUnixTimeSeconds(), $"last synced {syncedAt}");

        daemon = await daemon.RestartAsync();
        await using (daemon)
        {
            await daemon.PollAsync();
            Assert.Equal(StackStatus.Held, daemon.Control(stack).Status);
            var after = await metrics.ScrapeAsync();
            Assert.True(after.Value(MetricNames.LastSuccessfulSync, ("stack", stack)) == syncedAt, after.Describe(MetricNames.LastSuccessfulSync));
        }
    }

    /// <summary>Git names <paramref name="tag"/>, which runs: the daemon started and settled on a synced stack.</summary>
    private Task<LoopHarness> RunningAsync(string stack, string tag, string onEmergencyRollback = "realign") =>
        LoopHarness.StartSyncedAsync(_world, stack, stack + "-web", tag, World.Yaml(stack, tag, onEmergencyRollback));

    public void Dispose() => _world.Dispose();

    private sealed class SilentNotifier(string name) : INotifier
    {
        public string Name => name;

        public bool Accepts(ReconcileNotification notification) => false;

        public Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken) => Task.CompletedTask;

        public string Redact(string text) => text;
    }
}
