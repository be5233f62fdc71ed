using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Leadership;

/// <summary>
/// The test Swarm's managers as leader-gating tests need them: node 1 (DOCKER_HOST) leads the Raft group, node 2
/// (<c>SPROCKET_TEST_STANDBY_DOCKER_HOST</c>, a drained manager tests/env/swarm.sh joins) is a manager that does not.
/// The preconditions are checked against the engines themselves, so a test fails on a broken environment with a
/// message that says so instead of with a misleading verdict about the daemon.
/// </summary>
public static class StandbyManager
{
    public const string Variable = "SPROCKET_TEST_STANDBY_DOCKER_HOST";

    /// <summary>The standby manager's engine, e.g. <c>unix:///tmp/sprocket-env/docker2.sock</c>.</summary>
    public static string DockerHost =>
        System.Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } host
            ? host
            : throw new InvalidOperationException($"{Variable} is not set: the test Swarm has no standby manager. {TestEnvironment.SetupHint}");

    /// <summary>The engine at <paramref name="dockerHost"/> is a Swarm manager and whether its node is the Raft leader.</summary>
    public static async Task<(bool Manager, bool Leader, string NodeId)> RoleOfAsync(string dockerHost)
    {
        var docker = new DockerCli(dockerHost);
        var info = (await docker.RunAsync("info", "--format", "{{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}")).Trim().Split(' ');
        var manager = info[0] == "true";
        if (!manager) return (false, false, info.ElementAtOrDefault(1) ?? "");
        var leader = (await docker.RunAsync("node", "ls", "--filter", "role=manager", "--format", "{{.ID}} {{.ManagerStatus}}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields is [_, "Leader"])
            .Select(fields => fields[0])
            .SingleOrDefault();
        return (true, leader == info[1], info[1]);
    }

    public static async Task AssertLeadsAsync(string dockerHost)
    {
        var role = await RoleOfAsync(dockerHost);
        Assert.True(role is { Manager: true, Leader: true },
            $"precondition: the engine at {dockerHost} (node {role.NodeId}) should be the Swarm's Raft leader; run tests/env/swarm.sh up");
    }

    public static async Task AssertStandsByAsync(string dockerHost)
    {
        var role = await RoleOfAsync(dockerHost);
        Assert.True(role is { Manager: true, Leader: false },
            $"precondition: the engine at {dockerHost} (node {role.NodeId}) should be a Swarm manager that is not the leader; run tests/env/swarm.sh up");
    }
}
