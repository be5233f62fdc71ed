using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Host.Tests.Support;

namespace Sprocket.Reconciler.Host.Tests.Apply.Swarm;

/// <summary>What the waiter makes of a look the engine fails: an outage waits on, an answer ends the wait.</summary>
public sealed class ConvergenceWaiterTests
{
    private static readonly ConvergenceTarget Target =
        new(new PinnedImage("web", "id1", "127.0.0.1:5555/sprocketbot/web", "git-bbb2222", "sha256:" + new string('a', 64)), "id1", UpdatedByUs: true);

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    public void Only_a_5xx_of_the_engine_is_no_answer(HttpStatusCode status, bool noAnswer) =>
        Assert.Equal(noAnswer, ConvergenceLookErrors.IsNoAnswer(new DockerApiException(status, "{}")));

    [Fact]
    public void Transport_failures_and_timeouts_are_no_answer_other_errors_are()
    {
        Assert.True(ConvergenceLookErrors.IsNoAnswer(new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(ConvergenceLookErrors.IsNoAnswer(new IOException("stream ended")));
        Assert.True(ConvergenceLookErrors.IsNoAnswer(new TaskCanceledException()));
        Assert.True(ConvergenceLookErrors.IsNoAnswer(new InvalidOperationException("wrapped", new SocketException())));
        Assert.False(ConvergenceLookErrors.IsNoAnswer(new InvalidOperationException("a bug")));
        Assert.False(ConvergenceLookErrors.IsNoAnswer(new NullReferenceException()));
    }

    [Fact]
    public async Task A_4xx_ends_the_wait_at_once_as_a_failure_naming_the_error()
    {
        var docker = EngineWhoseInspect(_ => Task.FromException<SwarmService>(
            new DockerApiException(HttpStatusCode.Forbidden, """{"message":"access denied to service id1"}""")));

        var states = await Wait(docker, TimeSpan.FromMinutes(5)).WaitAsync(TimeSpan.FromSeconds(30));

        var state = states[Target];
        Assert.Equal(ConvergencePhase.LookFailed, state.Phase);
        Assert.Contains("access denied to service id1", state.UpdateMessage);
    }

    [Fact]
    public async Task A_transport_failure_waits_on_and_the_verdict_names_the_last_one()
    {
        var docker = EngineWhoseInspect(_ => Task.FromException<SwarmService>(
            new HttpRequestException("Connection refused (/var/run/docker.sock)", new SocketException((int)SocketError.ConnectionRefused))));

        var states = await Wait(docker, TimeSpan.FromMilliseconds(300)).WaitAsync(TimeSpan.FromSeconds(30));

        var state = states[Target];
        Assert.Equal(ConvergencePhase.Pending, state.Phase);
        Assert.Contains("Connection refused", state.Describe());
    }

    [Fact]
    public async Task A_look_that_hangs_is_cut_off_at_the_timeout()
    {
        var docker = EngineWhoseInspect(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });

        var states = await Wait(docker, TimeSpan.FromMilliseconds(500)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("no answer within", states[Target].Describe());
    }

    private static Task<IReadOnlyDictionary<ConvergenceTarget, ConvergenceState>> Wait(IDockerClient docker, TimeSpan timeout) =>
        new ConvergenceWaiter(docker, TimeProvider.System).WaitAsync([Target], timeout, TimeSpan.FromMilliseconds(50),
            (_, _) => { }, (_, _) => { }, CancellationToken.None);

    private static IDockerClient EngineWhoseInspect(Func<CancellationToken, Task<SwarmService>> inspect)
    {
        var swarm = Stand.In<ISwarmOperations>((method, args) => method.Name == nameof(ISwarmOperations.InspectServiceAsync)
            ? inspect((CancellationToken)args![^1]!)
            : throw new NotSupportedException(method.Name));
        return Stand.In<IDockerClient>((method, _) => method.Name == "get_" + nameof(IDockerClient.Swarm) ? swarm : throw new NotSupportedException(method.Name));
    }
}
