using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Reconcile;

namespace Sprocket.Reconciler.FaultTests.Engine;

/// <summary>
/// One agent beside each standby manager (nodes 2 and 3), as production runs one per manager: each its own data
/// directory and its own desired-state repository holding the same stack as the scenario's. Whichever manager Raft
/// elects when node 1 goes, the agent beside it is there to become the actor.
/// </summary>
internal sealed class StandbyAgents : IAsyncDisposable
{
    private readonly Dictionary<int, DaemonProcess> _agents;
    private readonly string _stack;

    private StandbyAgents(Dictionary<int, DaemonProcess> agents, string stack)
    {
        _agents = agents;
        _stack = stack;
    }

    public static async Task<StandbyAgents> StartAsync(ReconcileScenario scenario, IEnumerable<string> arguments)
    {
        var agents = new Dictionary<int, DaemonProcess>();
        try
        {
            foreach (var node in SwarmNodes.Standbys)
                agents[node] = await DaemonProcess.StartAsync(ReconcileYaml.Render(scenario.Stack), arguments, dockerHost: SwarmNodes.DockerHost(node));
        }
        catch
        {
            foreach (var agent in agents.Values) await agent.DisposeAsync();
            throw;
        }
        return new StandbyAgents(agents, scenario.Name);
    }

    public async Task WaitAllAsync(Func<StackView, bool> done, string what)
    {
        foreach (var (node, agent) in _agents)
        {
            await agent.WaitForStackAsync(_stack, done, $"{what} (node {node})");
            Assert.Equal("standby", (await EngineStatus.ReadinessAsync(agent)).View.Role);
        }
    }

    public async Task CommitTagAsync(ReconcileStack stack)
    {
        foreach (var agent in _agents.Values) await agent.CommitDesiredStateAsync(ReconcileYaml.Render(stack), $"{stack.Name} at {stack.ImageTag}");
    }

    /// <summary>Waits until Raft has elected a standby and the agent beside it says it leads; returns both.</summary>
    public async Task<(int Node, DaemonProcess Agent)> WaitForActorAsync(string what)
    {
        var node = await Eventually.UntilValue(SwarmNodes.LeaderAsync, leader => leader is { } n && _agents.ContainsKey(n), TimeSpan.FromSeconds(60), what);
        var agent = _agents[node!.Value];
        await Eventually.UntilValue(() => EngineStatus.ReadinessAsync(agent), r => r.View.Role == "leader", TimeSpan.FromSeconds(30),
            $"the agent beside node {node} saying leader");
        return (node.Value, agent);
    }

    /// <summary>Every apply any standby agent recorded for the stack.</summary>
    public IReadOnlyList<ApplyHistoryRow> History(string stack) =>
        [.. _agents.Values.SelectMany(agent => ApplyHistoryRows.Read(agent.DataDirectory, stack))];

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values) await agent.DisposeAsync();
        _agents.Clear();
    }
}
