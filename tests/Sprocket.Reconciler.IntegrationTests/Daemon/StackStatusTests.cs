using System.Net;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using static Sprocket.Reconciler.IntegrationTests.Daemon.ContractMetrics;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The running daemon against the real Swarm: each scenario arranges services with the docker CLI, commits a stack
/// naming them, and checks the stack document of the API and the series of /metrics. One daemon serves the class;
/// each test owns one stack and one service prefix.
/// </summary>
public sealed class StackStatusTests(SharedDaemon shared) : IClassFixture<SharedDaemon>, IDisposable
{
    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;
    private readonly OpenRegistry _registry = new(TestEnvironment.Current.Registry);

    private DaemonProcess Daemon => shared.Daemon;

    private string WebRepository => $"{_environment.Registry}/{SeededImages.Web}";

    private string WorkerRepository => $"{_environment.Registry}/{SeededImages.Worker}";

    [Fact]
    public async Task Services_at_the_desired_tag_are_synced()
    {
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        var worker = await scope.CreateServiceAsync("worker-service-5d6e7f8", _environment.Image(SeededImages.Worker, SeededImages.GitAaa));
        var name = scope.Prefix + "synced";
        var revision = await shared.PutStackAsync(new DesiredStack(name, SeededImages.GitAaa,
            new DesiredService(WebRepository, scope.Prefix + "web-service*"),
            new DesiredService(WorkerRepository, scope.Prefix + "worker-service*")));

        var stack = await Daemon.WaitForRevisionAsync(name, revision, s => s.Status == "synced");

        Assert.Equal("swarm", stack.Engine);
        Assert.Equal(new DesiredView(SeededImages.GitAaa, revision), stack.Desired);
        Assert.Null(stack.Applied.ImageTag);
        Assert.Equal("none", stack.LastReconcile?.Outcome);
        var webDigest = await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitAaa);
        var workerDigest = await _registry.DigestOfAsync(SeededImages.Worker, SeededImages.GitAaa);
        Assert.Equal([web, worker], stack.Services.Select(s => s.Name).Order(StringComparer.Ordinal));
        var webView = stack.Services.Single(s => s.Name == web);
        Assert.Equal(
            new ServiceView(web, WebRepository, $"{WebRepository}:{SeededImages.GitAaa}@{webDigest}", webDigest, SeededImages.GitAaa, webDigest, "none", null),
            webView);
        var workerView = stack.Services.Single(s => s.Name == worker);
        Assert.Equal((SeededImages.GitAaa, workerDigest, workerDigest, "none"),
            (workerView.LiveTag, workerView.LiveDigest, workerView.ExpectedDigest, workerView.Drift));

        var metrics = await Daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "synced");
        AssertServiceDrift(metrics, name, web, "none");
        AssertServiceDrift(metrics, name, worker, "none");
        AssertImageInfo(metrics, name, web, SeededImages.GitAaa, SeededImages.GitAaa, webDigest);
        AssertImageInfo(metrics, name, worker, SeededImages.GitAaa, SeededImages.GitAaa, workerDigest);
        AssertDesiredRevision(metrics, Daemon.RepositoryPath, revision);

        using var ready = await Daemon.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task A_new_tag_in_git_that_is_not_live_is_out_of_sync_without_drift()
    {
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        var name = scope.Prefix + "behind";
        var stack = new DesiredStack(name, SeededImages.GitAaa, new DesiredService(WebRepository, scope.Prefix + "web-service*"));
        var first = await shared.PutStackAsync(stack);
        await Daemon.WaitForRevisionAsync(name, first, s => s.Status == "synced");

        var second = await shared.PutStackAsync(stack.WithTag(SeededImages.GitBbb));
        var view = await Daemon.WaitForRevisionAsync(name, second, s => s.Status == "out-of-sync");

        Assert.Matches("^[0-9a-f]{40}$", view.Desired.Revision);
        Assert.Equal(new DesiredView(SeededImages.GitBbb, second), view.Desired);
        var service = view.OnlyService;
        var liveDigest = await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitAaa);
        Assert.Equal(("none", SeededImages.GitAaa, liveDigest), (service.Drift, service.LiveTag, service.LiveDigest));
        Assert.Equal(await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitBbb), service.ExpectedDigest);
        Assert.Contains(SeededImages.GitBbb, view.Message, StringComparison.Ordinal);

        var metrics = await Daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "out-of-sync");
        AssertServiceDrift(metrics, name, web, "none");
        AssertImageInfo(metrics, name, web, SeededImages.GitBbb, SeededImages.GitAaa, liveDigest);
        AssertDesiredRevision(metrics, Daemon.RepositoryPath, second);
    }

    [Fact]
    public async Task An_image_changed_by_hand_is_manual_change_drift()
    {
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitBbb));
        var name = scope.Prefix + "manual";
        var revision = await shared.PutStackAsync(new DesiredStack(name, SeededImages.GitBbb, new DesiredService(WebRepository, scope.Prefix + "web-service*")));
        await Daemon.WaitForRevisionAsync(name, revision, s => s.Status == "synced");

        await scope.Docker.UpdateImageAsync(web, _environment.Image(SeededImages.Web, SeededImages.GitCcc));
        var view = await Daemon.WaitForStackAsync(name, s => s.OnlyService.Drift == "manual-change", "manual-change drift after update --image");

        Assert.Equal("drifted", view.Status);
        var cccDigest = await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitCcc);
        Assert.Equal((SeededImages.GitCcc, cccDigest), (view.OnlyService.LiveTag, view.OnlyService.LiveDigest));
        Assert.Equal(SeededImages.GitBbb, view.Desired.ImageTag);
        Assert.Contains("manual-change", view.Message, StringComparison.Ordinal);

        var metrics = await Daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "drifted");
        AssertServiceDrift(metrics, name, web, "manual-change");
        AssertImageInfo(metrics, name, web, SeededImages.GitBbb, SeededImages.GitCcc, cccDigest);
        Assert.Equal(0, EmergencyRollbacksOf(metrics, name, web));
    }

    [Fact]
    public async Task A_glob_that_matches_no_service_is_missing()
    {
        await using var scope = SwarmServiceScope.Create();
        var name = scope.Prefix + "missing";
        var glob = scope.Prefix + "web-service*";
        var revision = await shared.PutStackAsync(new DesiredStack(name, SeededImages.GitAaa, new DesiredService(WebRepository, glob)));

        var view = await Daemon.WaitForRevisionAsync(name, revision, s => s.Status == "drifted");

        var service = view.OnlyService;
        Assert.Equal(new ServiceView(glob, WebRepository, null, null, null,
            await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitAaa), "missing", null), service);
        Assert.Contains("missing", view.Message, StringComparison.Ordinal);

        var metrics = await Daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "drifted");
        AssertServiceDrift(metrics, name, glob, "missing");
        AssertImageInfo(metrics, name, glob, SeededImages.GitAaa, "", "");
    }

    [Fact]
    public async Task A_digest_only_spec_as_Pulumi_writes_it_is_synced_and_named_by_its_tag()
    {
        await using var scope = SwarmServiceScope.Create();
        var digest = await _registry.DigestOfAsync(SeededImages.Web, SeededImages.GitBbb);
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", $"{WebRepository}@{digest}");
        Assert.Equal($"{WebRepository}@{digest}", (await scope.Docker.SnapshotServiceAsync(web)).SpecImage);
        var name = scope.Prefix + "digest";
        var revision = await shared.PutStackAsync(new DesiredStack(name, SeededImages.GitBbb, new DesiredService(WebRepository, scope.Prefix + "web-service*")));

        var view = await Daemon.WaitForRevisionAsync(name, revision, s => s.Status == "synced");

        Assert.Equal(new ServiceView(web, WebRepository, $"{WebRepository}@{digest}", digest, SeededImages.GitBbb, digest, "none", null), view.OnlyService);

        var metrics = await Daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "synced");
        AssertServiceDrift(metrics, name, web, "none");
        AssertImageInfo(metrics, name, web, SeededImages.GitBbb, SeededImages.GitBbb, digest);
    }

    [Fact]
    public async Task Metrics_agree_with_the_API_as_soon_as_it_shows_a_change()
    {
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        var name = scope.Prefix + "agree";
        var stack = new DesiredStack(name, SeededImages.GitAaa, new DesiredService(WebRepository, scope.Prefix + "web-service*"));
        var first = await shared.PutStackAsync(stack);
        await Daemon.WaitForRevisionAsync(name, first, s => s.Status == "synced");

        // Read the API and then /metrics back to back, with no pause, until the API shows the new commit evaluated:
        // the scrape that follows must show it too. A scrape served from a response cache would still show the old
        // state (the OpenTelemetry exporter caches for 300 ms unless told not to).
        var second = await shared.PutStackAsync(stack.WithTag(SeededImages.GitBbb));
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var view = await Daemon.GetStackAsync(name);
            var metrics = await Daemon.GetMetricsAsync();
            if (view is { Status: "out-of-sync" } && view.Desired == new DesiredView(SeededImages.GitBbb, second))
            {
                AssertDesiredRevision(metrics, Daemon.RepositoryPath, second);
                AssertStackStatus(metrics, name, "out-of-sync");
                AssertImageInfo(metrics, name, web, SeededImages.GitBbb, SeededImages.GitAaa, view.OnlyService.LiveDigest!);
                return;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < DaemonProcess.DefaultWait,
                $"the daemon did not evaluate {second}; last document: {view}\n{Daemon.Output.Tail()}");
        }
    }

    public void Dispose() => _registry.Dispose();
}
