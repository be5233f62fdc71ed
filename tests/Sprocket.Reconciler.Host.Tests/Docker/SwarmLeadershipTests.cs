using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Docker;

/// <summary>
/// The leader check runs every few seconds for the daemon's life: it reads the large <c>/info</c> once for the node id,
/// then inspects only its own node; when that fails (the node left, the engine restarted) it starts again from <c>/info</c>.
/// </summary>
public sealed class SwarmLeadershipTests : IAsyncLifetime
{
    private const string Info = """{"Swarm":{"NodeID":"node1","ControlAvailable":true,"LocalNodeState":"active"}}""";
    private const string LeaderNode = """{"ID":"node1","ManagerStatus":{"Leader":true,"Reachability":"reachable","Addr":"10.0.0.1:2377"}}""";
    private string _directory = "";
    private RecordingEngine _engine = null!;
    private bool _nodeGone;

    public Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("sl").FullName;
        _engine = new RecordingEngine(Path.Combine(_directory, "e.sock"), requestLine =>
            requestLine.Contains(" /v1.", StringComparison.Ordinal) && requestLine.Contains("/info ", StringComparison.Ordinal) ? (200, Info)
            : requestLine.Contains("/nodes/node1 ", StringComparison.Ordinal) ? (_nodeGone ? 404 : 200, _nodeGone ? """{"message":"node node1 not found"}""" : LeaderNode)
            : (404, """{"message":"page not found"}"""));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_node_id_is_read_once_and_then_only_the_node_is_inspected()
    {
        var leadership = Leadership();

        for (var check = 0; check < 3; check++) Assert.True(await leadership.CheckAsync(CancellationToken.None));

        Assert.Equal(1, Requests("/info "));
        Assert.Equal(3, Requests("/nodes/node1 "));
        Assert.Equal(0, Requests("/nodes "));
    }

    [Fact]
    public async Task A_node_that_cannot_be_inspected_means_standby_and_the_next_check_reads_info_again()
    {
        var leadership = Leadership();
        Assert.True(await leadership.CheckAsync(CancellationToken.None));

        _nodeGone = true;
        Assert.False(await leadership.CheckAsync(CancellationToken.None));
        _nodeGone = false;
        Assert.True(await leadership.CheckAsync(CancellationToken.None));

        Assert.Equal(2, Requests("/info "));
    }

    private SwarmLeadership Leadership() => new(DockerClientFactory.Create(_engine.Endpoint), Options.Create(new DockerOptions()),
        new LoopInbox(), TimeProvider.System, NullLogger<SwarmLeadership>.Instance);

    private int Requests(string path) => _engine.Requests.Count(r => r.RequestLine.Contains(path, StringComparison.Ordinal));
}
