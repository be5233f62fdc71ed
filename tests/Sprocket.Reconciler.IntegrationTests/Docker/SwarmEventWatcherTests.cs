using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.IntegrationTests.Docker;

[Trait("Requires", "swarm")]
public sealed class SwarmEventWatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly LoopInbox _queue = new();
    private readonly SwarmServiceScope _scope = SwarmServiceScope.Create();
    private UnixSocketProxy _proxy = null!;
    private SwarmEventWatcher _watcher = null!;
    private string _directory = "";

    public async Task InitializeAsync()
    {
        // Short path: unix socket paths must fit in 108 bytes.
        _directory = Directory.CreateTempSubdirectory("sew").FullName;
        var engineSocket = new Uri(TestEnvironment.Current.DockerHost).AbsolutePath;
        _proxy = new UnixSocketProxy(engineSocket, Path.Combine(_directory, "d.sock"));
        _proxy.Start();
        var options = Options.Create(new DockerOptions { MaxReconnectDelay = TimeSpan.FromMilliseconds(500) });
        _watcher = new SwarmEventWatcher(DockerClientFactory.Create(_proxy.Endpoint), _queue, options, TimeProvider.System,
            NullLogger<SwarmEventWatcher>.Instance);
        await _watcher.StartAsync(CancellationToken.None);
        await NextAsync(r => r.Trigger == ReconcileTrigger.Startup);
    }

    public async Task DisposeAsync()
    {
        await _watcher.StopAsync(CancellationToken.None);
        await _proxy.DisposeAsync();
        await _scope.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_service_change_is_forwarded_at_once_with_its_service_id_and_engine_time()
    {
        var name = await _scope.CreateServiceAsync("watched", TestEnvironment.Current.Image(SeededImages.Web, SeededImages.GitAaa), ["--stop-grace-period", "1s"]);
        var id = (await _scope.Docker.SnapshotServiceAsync(name)).Id;

        var request = await NextAsync(r => r.Trigger == ReconcileTrigger.Event && r.ServiceId == id);

        Assert.NotNull(request.EventTime);
    }

    [Fact]
    public async Task After_the_engine_goes_away_it_reconnects_and_asks_for_a_full_resync()
    {
        await _scope.CreateServiceAsync("before", TestEnvironment.Current.Image(SeededImages.Web, SeededImages.GitAaa), ["--stop-grace-period", "1s"]);
        await NextAsync(r => r.Trigger == ReconcileTrigger.Event);

        _proxy.Stop();
        // What happens while disconnected is never streamed: only the resync after reconnecting covers it.
        var missed = await _scope.CreateServiceAsync("while-away", TestEnvironment.Current.Image(SeededImages.Web, SeededImages.GitAaa), ["--stop-grace-period", "1s"]);
        _proxy.Start();

        await NextAsync(r => r.Trigger == ReconcileTrigger.Resync);
        var after = await _scope.CreateServiceAsync("after", TestEnvironment.Current.Image(SeededImages.Web, SeededImages.GitAaa), ["--stop-grace-period", "1s"]);
        var afterId = (await _scope.Docker.SnapshotServiceAsync(after)).Id;
        await NextAsync(r => r.Trigger == ReconcileTrigger.Event && r.ServiceId == afterId);
        Assert.NotEqual(missed, after);
    }

    private async Task<EvaluationRequest> NextAsync(Func<EvaluationRequest, bool> wanted)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var seen = new List<EvaluationRequest>();
        try
        {
            while (true)
            {
                foreach (var request in (await _queue.TakeBatchAsync(deadline.Token)).OfType<EvaluationRequest>())
                {
                    if (wanted(request)) return request;
                    seen.Add(request);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no wanted request within {Deadline}; seen: {string.Join(", ", seen)}");
        }
    }
}
