using System.Net;
using System.Net.Http.Json;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Leadership;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.FaultTests.Engine;

/// <summary>What the engine faults check on the daemon: its readiness and engine gauge, and the Swarm update under way.</summary>
internal static class EngineStatus
{
    public static async Task<(HttpStatusCode Code, ReadinessView View)> ReadinessAsync(DaemonProcess daemon)
    {
        using var response = await daemon.GetAsync("readyz");
        var view = await response.Content.ReadFromJsonAsync<ReadinessView>(StackView.ContractOptions)
                   ?? throw new InvalidOperationException("/readyz returned null");
        return (response.StatusCode, view);
    }

    /// <summary>Waits until the daemon says the engine is unreachable: <c>/readyz</c> 503 naming it and the engine gauge 0;
    /// with <paramref name="leaderChecked"/>, also standby (a failed leader check cannot know it leads). Returns the
    /// readiness problem.</summary>
    public static async Task<string> WaitUnreachableAsync(DaemonProcess daemon, string what, TimeSpan? timeout = null, bool leaderChecked = true)
    {
        var readiness = await Eventually.UntilValue(() => ReadinessAsync(daemon),
            r => r.Code == HttpStatusCode.ServiceUnavailable && r.View.Problem?.Contains("Docker engine unreachable", StringComparison.Ordinal) == true,
            timeout ?? TimeSpan.FromSeconds(20), $"/readyz 503 naming the engine ({what})");
        var scrape = await Eventually.UntilValue(daemon.GetMetricsAsync, m => !leaderChecked || m.Value(MetricNames.Leader) == 0, TimeSpan.FromSeconds(20),
            $"{MetricNames.Leader} 0 ({what})");
        Assert.Equal(0, scrape.Value(MetricNames.DockerEngineReachable));
        return readiness.View.Problem!;
    }

    /// <summary>Waits until <c>/readyz</c> is 200 and the engine gauge 1 again.</summary>
    public static async Task WaitReachableAsync(DaemonProcess daemon, string what, TimeSpan? timeout = null)
    {
        await Eventually.UntilValue(() => ReadinessAsync(daemon), r => r.Code == HttpStatusCode.OK, timeout ?? TimeSpan.FromSeconds(30),
            $"/readyz 200 ({what})");
        Assert.Equal(1, (await daemon.GetMetricsAsync()).Value(MetricNames.DockerEngineReachable));
    }

    /// <summary>When Swarm started the service's current update (<c>UpdateStatus.StartedAt</c>): a new update, a new time.</summary>
    public static async Task<string?> UpdateStartedAsync(ReconcileScenario scenario, string service) =>
        await UpdateStartedAsync(scenario.Docker, service);

    public static async Task<string?> UpdateStartedAsync(DockerCli docker, string service)
    {
        var inspect = await docker.InspectServiceAsync(service);
        return inspect.TryGetProperty("UpdateStatus", out var status) && status.TryGetProperty("StartedAt", out var started) ? started.GetString() : null;
    }

    /// <summary>Waits until the daemon's apply of <paramref name="tag"/> runs: its history row is open and Swarm is still
    /// updating the service to it. Returns the service as it is then.</summary>
    public static async Task<ServiceSnapshot> WaitUntilMidApplyAsync(ReconcileScenario scenario, string service, string tag) =>
        await Eventually.UntilValue(async () =>
        {
            var open = scenario.History().Any(row => row.Tag == tag && row.FinishedAt is null);
            var snapshot = await scenario.Docker.SnapshotServiceAsync(service);
            return open && snapshot.UpdateState == "updating" && snapshot.SpecImage.Contains(":" + tag + "@", StringComparison.Ordinal) ? snapshot : null;
        }, snapshot => snapshot is not null, TimeSpan.FromSeconds(45), $"the apply of {tag} under way (history row open, {service} updating)")
        ?? throw new InvalidOperationException("unreachable");
}
