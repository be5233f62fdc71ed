using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.IntegrationTests.Apply.Swarm;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Docker;

/// <summary>
/// Docker calls counted on the wire (<see cref="CountingDockerEngine"/>): the observer lists services once, and the swarm
/// engine answers the applied tag from that listing without a call of its own, where reading it itself costs a listing.
/// </summary>
[Trait("Requires", "swarm")]
public sealed class CountingDockerEngineTests : IAsyncLifetime
{
    private readonly SwarmApplyHarness _h = new();
    private CountingDockerEngine _engine = null!;

    public Task InitializeAsync()
    {
        _engine = CountingDockerEngine.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task The_observer_lists_once_and_the_swarm_engine_answers_the_applied_tag_from_that_listing_without_a_call()
    {
        // Created the way our last apply leaves a service: its spec labelled with the applied tag. No task needed.
        var web = await _h.Scope.CreateServiceAsync("web", _h.Env.Image(SeededImages.Web, SeededImages.GitBbb),
            ["--replicas", "0", "--label", $"{AppliedLabels.Tag}={SeededImages.GitBbb}"]);
        var stack = _h.Stack(($"{_h.Env.Registry}/{SeededImages.Web}", "web"));
        using var docker = DockerClientFactory.Create(_engine.Endpoint);
        var engine = _h.Engine(docker: docker);
        var observer = new SwarmObserver(docker, new RollbackOriginMemory());

        var live = new LiveIndex(await observer.ListServicesAsync(CancellationToken.None));

        Assert.Equal(1, _engine.ServiceListCalls);
        Assert.Equal(SeededImages.GitBbb, Assert.Single(live.Services, service => service.Name == web).AppliedTag);

        _engine.Reset();
        var answer = engine.AppliedTagFromListing(stack, live);

        Assert.Equal(AppliedTagAnswer.Known(SeededImages.GitBbb), answer);
        Assert.Empty(_engine.Requests);

        // The engine's own read says the same, at the cost the listing answer saves: one more listing per stack.
        Assert.Equal(SeededImages.GitBbb, await engine.ReadAppliedTagAsync(stack, CancellationToken.None));
        Assert.Equal(1, _engine.ServiceListCalls);
    }
}
