using Sprocket.Reconciler.IntegrationTests.TestEnv;
using static Sprocket.Reconciler.IntegrationTests.Daemon.ContractMetrics;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// An "immutable" tag re-pushed with another image must show as <c>tag-moved</c>. The test publishes its own
/// repository, so moving the tag cannot disturb any other test, and runs a daemon that re-checks tags every second.
/// </summary>
public sealed class TagMovedTests : IDisposable
{
    private const string MovingTag = "git-eee5555";

    private readonly OpenRegistry _registry = new(TestEnvironment.Current.Registry);

    [Fact]
    public async Task A_tag_re_pushed_with_another_image_is_tag_moved()
    {
        await using var scope = SwarmServiceScope.Create();
        var repository = $"sprocketbot/moving-{scope.Prefix.TrimEnd('-')}";
        var firstDigest = await _registry.CopyTagAsync(SeededImages.Web, SeededImages.GitAaa, repository, MovingTag);
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _registry.Image(repository, MovingTag));
        var name = scope.Prefix + "moved";
        await using var daemon = await DaemonProcess.StartAsync(
            DesiredStateYaml.Render(new DesiredStack(name, MovingTag, new DesiredService($"{_registry.Host}/{repository}", scope.Prefix + "web-service*"))),
            ["--Reconciler:Registry:TagRecheckInterval=00:00:01"]);
        var synced = await daemon.WaitForRevisionAsync(name, daemon.InitialRevision, s => s.Status == "synced");
        Assert.Equal((firstDigest, firstDigest), (synced.OnlyService.ExpectedDigest, synced.OnlyService.LiveDigest));

        var secondDigest = await _registry.CopyTagAsync(SeededImages.Web, SeededImages.GitBbb, repository, MovingTag);
        Assert.NotEqual(firstDigest, secondDigest);
        var moved = await daemon.WaitForStackAsync(name, s => s.OnlyService.Drift == "tag-moved", $"tag-moved after re-pushing {repository}:{MovingTag}");

        Assert.Equal("drifted", moved.Status);
        var service = moved.OnlyService;
        Assert.Equal((secondDigest, firstDigest, MovingTag), (service.ExpectedDigest, service.LiveDigest, service.LiveTag));
        Assert.Contains(secondDigest, moved.Message, StringComparison.Ordinal);

        var metrics = await daemon.GetMetricsAsync();
        AssertStackStatus(metrics, name, "drifted");
        AssertServiceDrift(metrics, name, web, "tag-moved");
        AssertImageInfo(metrics, name, web, MovingTag, MovingTag, firstDigest);
    }

    public void Dispose() => _registry.Dispose();
}
