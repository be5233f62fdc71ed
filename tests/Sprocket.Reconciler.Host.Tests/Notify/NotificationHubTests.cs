using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// The hub's promises: Publish never blocks and never throws; each notifier has its own queue and reader, so a
/// stalled, failing or timing-out endpoint delays nobody else; failures are counted and logged without secrets; a
/// full queue drops its oldest record and counts it.
/// </summary>
public sealed class NotificationHubTests
{
    private const string GrafanaToken = "glsa_hubTestToken_9876543210";
    private const string GatusToken = "gatus-hub-test-token";

    private static Dictionary<string, string?> GrafanaAndGatus(HttpStandIn grafana, GatusFake gatus, string grafanaTimeout = "00:01:00") => new()
    {
        ["Reconciler:Grafana:Url"] = grafana.Url,
        ["Reconciler:Grafana:Token"] = GrafanaToken,
        ["Reconciler:Grafana:RequestTimeout"] = grafanaTimeout,
        ["Reconciler:Gatus:Url"] = gatus.Url,
        ["Reconciler:Gatus:Token"] = GatusToken,
    };

    [Fact]
    public async Task A_stalled_Grafana_delays_neither_Publish_nor_Gatus()
    {
        using var grafana = HttpStandIn.Grafana(stalled: true);
        await using var gatus = (await GatusFake.StartAsync()).Endpoint("sprocket-reconciler", Notifications.Stack, GatusToken);
        await using var harness = await NotifyHarness.StartAsync(GrafanaAndGatus(grafana, gatus));

        var clock = Stopwatch.StartNew();
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Drift, "first"));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "second"));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployFailed, "third"));
        var publishing = clock.Elapsed;

        var pushed = await gatus.WaitForRequests(3, "all three Gatus results while Grafana hangs");

        // Grafana has not answered its first request (it never will before the test ends), so none of its sends ended.
        Assert.Equal(0, NotifyHarness.Count(harness.Sent, "grafana", NotificationKind.Drift));
        Assert.Equal(0, NotifyHarness.Count(harness.Failed, "grafana", NotificationKind.Drift));
        Assert.Equal(["false", "false", "false"], pushed.Select(r => r.Query["success"]));
        Assert.True(publishing < TimeSpan.FromSeconds(1), $"Publish took {publishing} while Grafana hung");
    }

    [Fact]
    public async Task A_failing_Grafana_is_counted_and_logged_without_its_token_and_Gatus_still_gets_its_result()
    {
        using var grafana = HttpStandIn.Grafana(status: 500);
        await using var gatus = (await GatusFake.StartAsync()).Endpoint("sprocket-reconciler", Notifications.Stack, GatusToken);
        await using var harness = await NotifyHarness.StartAsync(GrafanaAndGatus(grafana, gatus));

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "held"));

        await harness.WaitForCount(harness.Failed, "grafana", NotificationKind.Hold, 1, "the Grafana failure counted");
        await harness.WaitForCount(harness.Sent, "gatus", NotificationKind.Hold, 1, "the Gatus result sent");
        Assert.Equal(0, NotifyHarness.Count(harness.Sent, "grafana", NotificationKind.Hold));
        Assert.Equal(0, NotifyHarness.Count(harness.Failed, "gatus", NotificationKind.Hold));

        var warning = Assert.Single(harness.Logs.GetSnapshot(), r => r.Id.Id == 8002);
        Assert.Equal("Notifying grafana of hold for stack platform-prod failed (NotificationHttpException): "
            + """Grafana answered 500 Internal Server Error: {"message":"Failed to save annotation"}""", warning.Message);
        var logs = harness.AllLogText();
        Assert.DoesNotContain(GrafanaToken, logs);
        Assert.DoesNotContain(GatusToken, logs);
    }

    [Fact]
    public async Task A_Grafana_that_does_not_answer_within_its_timeout_is_a_counted_failure()
    {
        using var grafana = HttpStandIn.Grafana(stalled: true);
        await using var gatus = (await GatusFake.StartAsync()).Endpoint("sprocket-reconciler", Notifications.Stack, GatusToken);
        await using var harness = await NotifyHarness.StartAsync(GrafanaAndGatus(grafana, gatus, grafanaTimeout: "00:00:01"));

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Drift, "drifted"));

        await harness.WaitForCount(harness.Failed, "grafana", NotificationKind.Drift, 1, "the timeout counted");
        var warning = Assert.Single(harness.Logs.GetSnapshot(), r => r.Id.Id == 8002);
        Assert.Contains("Timeout", warning.Message);
        Assert.DoesNotContain(GrafanaToken, harness.AllLogText());
        await harness.WaitForCount(harness.Sent, "gatus", NotificationKind.Drift, 1, "Gatus unaffected");
    }

    [Fact]
    public async Task A_full_queue_drops_its_oldest_records_and_counts_them()
    {
        // Only the gated notifier: any other one would have its own capacity-2 queue, which a burst may overflow too.
        var gated = new GatedNotifier("gated");
        await using var harness = await NotifyHarness.StartAsync(
            new Dictionary<string, string?> { ["Reconciler:Notifications:QueueCapacity"] = "2" },
            services => services.AddSingleton<INotifier>(gated));

        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployStarted, "1"));
        await Eventually.Until(() => Task.FromResult(gated.Started.Count == 1), TimeSpan.FromSeconds(10), "the gated reader to take record 1");

        // Record 1 is being sent; the queue (capacity 2) takes 2 and 3, then 4 pushes out 2 and 5 pushes out 3.
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "2"));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Drift, "3"));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Drift, "4"));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Synced, "5"));

        Assert.Equal(1, NotifyHarness.Count(harness.Dropped, "gated", NotificationKind.Hold));
        Assert.Equal(1, NotifyHarness.Count(harness.Dropped, "gated", NotificationKind.Drift));
        Assert.Equal(2, harness.Dropped.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, harness.Logs.GetSnapshot().Count(r => r.Id.Id == 8003));

        gated.Release();
        await Eventually.Until(() => Task.FromResult(gated.Sent.Count == 3), TimeSpan.FromSeconds(10), "the gated notifier to send what is left");
        Assert.Equal(["1", "4", "5"], gated.Sent.Select(n => n.Message));
        await harness.WaitForCount(harness.Sent, "gated", NotificationKind.Synced, 1, "the newest record counted as sent");
    }

    [Fact]
    public async Task A_hung_notifier_does_not_hold_back_another()
    {
        var gated = new GatedNotifier("gated");
        var recording = new RecordingNotifier("recording");
        await using var harness = await NotifyHarness.StartAsync(
            new Dictionary<string, string?>(),
            services => services.AddSingleton<INotifier>(gated).AddSingleton<INotifier>(recording));

        for (var i = 1; i <= 5; i++) harness.Publisher.Publish(Notifications.Of(NotificationKind.Drift, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await Eventually.Until(() => Task.FromResult(recording.Received.Count == 5), TimeSpan.FromSeconds(10), "the other notifier to get all five");
        Assert.Equal(["1", "2", "3", "4", "5"], recording.Received.Select(n => n.Message));
        Assert.Empty(gated.Sent);
        Assert.Equal(0, harness.Dropped.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task A_notifier_that_throws_while_filtering_does_not_reach_the_publisher_or_the_others()
    {
        var recording = new RecordingNotifier("recording");
        await using var harness = await NotifyHarness.StartAsync(
            new Dictionary<string, string?>(),
            services => services.AddSingleton<INotifier>(new ThrowingNotifier()).AddSingleton<INotifier>(recording));

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "held"));

        await Eventually.Until(() => Task.FromResult(recording.Received.Count == 1), TimeSpan.FromSeconds(10), "the other notifier to get it");
        var error = Assert.Single(harness.Logs.GetSnapshot(), r => r.Id.Id == 8004);
        Assert.Contains("throwing", error.Message);
    }
}
