using Docker.DotNet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.Host.Tests.Support;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Docker;

/// <summary>Losing the event stream asks for a plain evaluation; only the reconnect asks for the full resync.</summary>
public sealed class EventStreamLossTests
{
    [Fact]
    public async Task The_loss_of_the_stream_asks_for_a_plain_evaluation_not_a_resync()
    {
        // The stream answers the ping, then ends at once; the fake clock never lets the reconnect come.
        var system = Stand.In<ISystemOperations>((method, _) => method.Name switch
        {
            nameof(ISystemOperations.MonitorEventsAsync) or nameof(ISystemOperations.PingAsync) => Task.CompletedTask,
            _ => throw new NotSupportedException(method.Name),
        });
        var docker = Stand.In<IDockerClient>((method, _) => method.Name == "get_" + nameof(IDockerClient.System) ? system : throw new NotSupportedException(method.Name));
        var inbox = new LoopInbox();
        using var watcher = new SwarmEventWatcher(docker, inbox, Options.Create(new DockerOptions()), new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000)),
            NullLogger<SwarmEventWatcher>.Instance);

        await watcher.StartAsync(CancellationToken.None);
        var triggers = new List<ReconcileTrigger>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (triggers.Count < 2)
            triggers.AddRange((await inbox.TakeBatchAsync(deadline.Token)).OfType<EvaluationRequest>().Select(r => r.Trigger));
        await watcher.StopAsync(CancellationToken.None);

        Assert.Equal([ReconcileTrigger.Startup, ReconcileTrigger.Event], triggers);
    }
}
