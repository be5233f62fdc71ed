using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Docker;

/// <summary>
/// The daemon on the real engine, its Docker calls counted on the wire: however many <c>engine: swarm</c> stacks a pass
/// covers, it lists the services once — applied tags come from that same listing (the labels our updates leave), not
/// from a listing per stack.
/// </summary>
[Trait("Requires", "swarm")]
public sealed class OneListingPerPassTests
{
    private const int Stacks = 4;

    [Fact]
    public async Task Every_pass_lists_the_services_exactly_once_whatever_the_number_of_stacks()
    {
        await using var engine = CountingDockerEngine.Start();
        await using var scope = SwarmServiceScope.Create();
        var environment = TestEnvironment.Current;
        var stacks = new List<DesiredStack>();
        for (var index = 0; index < Stacks; index++)
        {
            await scope.CreateServiceAsync($"web{index}", environment.Image(SeededImages.Web, SeededImages.GitAaa), ["--replicas", "0"]);
            stacks.Add(new DesiredStack(scope.Prefix + $"count{index}", SeededImages.GitAaa,
                new DesiredService($"{environment.Registry}/{SeededImages.Web}", scope.Prefix + $"web{index}")));
        }

        // A resync every poll interval (DaemonProcess's default) makes a pass a second; Swarm events of other tests add more.
        await using var daemon = await DaemonProcess.StartAsync(DesiredStateYaml.Render(stacks), dockerHost: engine.DockerHost);
        await daemon.WaitForStackAsync(stacks[^1].Name, s => s.Status == "synced", "the last stack synced");

        // Every pass logs one "Evaluated N stacks" line when it has published; a listing in flight is one pass not yet logged.
        var (passes, listings) = await Eventually.UntilValue(
            () => Task.FromResult((Passes(daemon), engine.ServiceListCalls)),
            counts => counts.Item1 >= 3 && counts.Item2 == counts.Item1,
            DaemonProcess.DefaultWait, $"as many service listings as passes over {Stacks} swarm stacks");

        Assert.Equal(passes, listings);
        Assert.Contains($"Evaluated {Stacks} stacks", daemon.Output.Tail(), StringComparison.Ordinal);
    }

    private static int Passes(DaemonProcess daemon) => daemon.Output.Count(line => line.Contains("Evaluated ", StringComparison.Ordinal) && line.Contains(" stacks on ", StringComparison.Ordinal));
}
