using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.IntegrationTests.Apply.Swarm;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Docker;

/// <summary>
/// Someone else's update that Swarm pauses, seen by the observer the evaluation loop uses: the live service carries
/// the failed task's error, which the stack's message then shows (DriftClassifier).
/// </summary>
[Trait("Requires", "swarm")]
public sealed class SwarmObserverTaskErrorTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly SwarmApplyHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_private_pull_without_credentials_that_Swarm_pauses_carries_No_such_image()
    {
        var repository = await PrivateRegistryImage.PushAsync(_h.Docker, "observe-" + _h.Scope.Prefix.TrimEnd('-'), SeededImages.GitBbb);
        var before = await _h.CreateRunningServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitAaa), "--update-failure-action", "pause");
        // What an engineer types without --with-registry-auth: the workers get no credentials and the pull fails.
        await _h.Docker.UpdateImageAsync(before.Name, $"{repository}:{SeededImages.GitBbb}");
        await Eventually.UntilValue(() => _h.Docker.SnapshotServiceAsync(before.Name), s => s.UpdateState == "paused", Deadline, $"{before.Name} paused");

        var observer = new SwarmObserver(DockerClientFactory.Create(_h.Env.DockerEndpoint), new RollbackOriginMemory());
        var live = (await observer.ListServicesAsync(CancellationToken.None)).Single(service => service.Name == before.Name);

        Assert.Equal(SwarmUpdateState.Paused, live.UpdateStatus?.State);
        Assert.StartsWith($"No such image: {repository}:{SeededImages.GitBbb}", live.TaskError, StringComparison.Ordinal);
    }
}
