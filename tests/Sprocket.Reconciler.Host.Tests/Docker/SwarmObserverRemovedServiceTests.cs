using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Host.Tests.Docker;

/// <summary>
/// A paused service removed between the service listing and the task listing (on a busy Swarm, someone's
/// <c>docker service rm</c>): the engine refuses the task filter with 404, which must not fail the observation.
/// </summary>
public sealed class SwarmObserverRemovedServiceTests : IAsyncLifetime
{
    private const string PausedService = """
        [{"ID":"gone1","Version":{"Index":7},
          "Spec":{"Name":"shop-web","TaskTemplate":{"ContainerSpec":{"Image":"registry.example/shop/web:git-bbb2222"}}},
          "UpdateStatus":{"State":"paused","StartedAt":"2026-01-01T00:00:00Z","Message":"update paused due to failure or early termination of task x"}}]
        """;

    private string _directory = "";
    private RecordingEngine _engine = null!;

    public Task InitializeAsync()
    {
        // Short path: unix socket paths must fit in 108 bytes.
        _directory = Directory.CreateTempSubdirectory("sor").FullName;
        _engine = new RecordingEngine(Path.Combine(_directory, "e.sock"), requestLine =>
            requestLine.Contains("/tasks", StringComparison.Ordinal)
                ? (404, """{"message":"service gone1 not found"}""")
                : (200, PausedService));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_listing_stands_without_task_errors_when_the_task_filter_names_a_removed_service()
    {
        using var docker = DockerClientFactory.Create(_engine.Endpoint);
        var observer = new SwarmObserver(docker, new RollbackOriginMemory());

        var live = Assert.Single(await observer.ListServicesAsync(CancellationToken.None));

        Assert.Equal(Core.Live.SwarmUpdateState.Paused, live.UpdateStatus?.State);
        Assert.Null(live.TaskError);
        Assert.Contains(_engine.Requests, request => request.RequestLine.Contains("/tasks", StringComparison.Ordinal));
    }
}
