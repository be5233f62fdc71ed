using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.FaultTests.Engine;

/// <summary>
/// The test Swarm's engines as tests/env/swarm.sh runs them: node 1 at DOCKER_HOST, standby n beside it
/// (<c>docker{n}.sock</c> in the same environment directory). Stopping and starting an engine goes through the script,
/// the one place that knows how each dockerd is started, so a restarted engine gets exactly its arguments again.
/// </summary>
internal static class SwarmNodes
{
    public static readonly int[] Standbys = [2, 3];

    private static string EnvironmentDirectory =>
        Path.GetDirectoryName(new Uri(TestEnvironment.Current.DockerHost).AbsolutePath)
        ?? throw new InvalidOperationException($"DOCKER_HOST {TestEnvironment.Current.DockerHost} names no socket in an environment directory");

    /// <summary>Engine n's endpoint: node 1 is DOCKER_HOST.</summary>
    public static string DockerHost(int node) =>
        node == 1 ? TestEnvironment.Current.DockerHost : "unix://" + Path.Combine(EnvironmentDirectory, $"docker{node}.sock");

    public static DockerCli Docker(int node) => new(DockerHost(node));

    /// <summary>Stops node n's dockerd (TERM, waits for its exit; without live-restore its containers stop with it).</summary>
    public static Task StopAsync(int node) => RunAsync("stop-node", node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts node n's dockerd with its arguments and waits until it answers, is back as a manager and the Swarm has a leader.</summary>
    public static Task StartAsync(int node) => RunAsync("start-node", node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Leaves the Swarm as tests/env/swarm.sh up made it: node 1 running, a manager and the Raft leader, every
    /// standby a reachable manager. Safe to call whatever state a failed test left.</summary>
    public static Task LeadNode1Async() => RunAsync("lead-node1");

    /// <summary>Starts node n's dockerd (as <see cref="StartAsync"/>) and returns, once the engine answers a
    /// <c>docker version</c>, a clock started then, with the script's own wait (back as a manager, a leader elected) still
    /// running: the recovery of an agent beside it is measured from the engine answering, not from the script's end.</summary>
    public static async Task<(System.Diagnostics.Stopwatch SinceAnswering, Task Started)> StartAndTimeAsync(int node)
    {
        var started = StartAsync(node);
        var docker = Docker(node);
        await Eventually.Until(async () =>
        {
            if (started.IsFaulted) await started;
            try
            {
                await docker.RunAsync("version", "--format", "{{.Server.Version}}");
                return true;
            }
            catch (DockerCliException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), $"node {node}'s engine answering");
        return (System.Diagnostics.Stopwatch.StartNew(), started);
    }

    /// <summary>The node whose manager status says Leader, asked of the first engine that answers as a manager.</summary>
    public static async Task<int?> LeaderAsync()
    {
        var ids = new Dictionary<string, int>();
        foreach (var node in new[] { 1 }.Concat(Standbys))
        {
            try
            {
                var (_, _, id) = await IntegrationTests.Leadership.StandbyManager.RoleOfAsync(DockerHost(node));
                ids[id] = node;
            }
            catch (DockerCliException)
            {
                // That engine is down (or no manager now): the others still say who leads.
            }
        }
        foreach (var node in new[] { 1 }.Concat(Standbys))
        {
            try
            {
                var (manager, leader, id) = await IntegrationTests.Leadership.StandbyManager.RoleOfAsync(DockerHost(node));
                if (manager && leader) return node;
                if (!manager) continue;
                var leaderId = (await Docker(node).RunAsync("node", "ls", "--filter", "role=manager", "--format", "{{.ID}} {{.ManagerStatus}}"))
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(line => line.Split(' ')).Where(fields => fields is [_, "Leader"]).Select(fields => fields[0]).SingleOrDefault();
                if (leaderId is not null && ids.TryGetValue(leaderId, out var found)) return found;
            }
            catch (DockerCliException)
            {
            }
        }
        return null;
    }

    private static async Task RunAsync(params string[] arguments)
    {
        var script = Path.Combine(PulumiTestPaths.RepositoryRoot, "tests", "env", "swarm.sh");
        var result = await CliWrap.Cli.Wrap("bash")
            .WithArguments([script, .. arguments])
            .WithEnvironmentVariables(variables => variables.Set("SPROCKET_ENV_DIR", EnvironmentDirectory))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"swarm.sh {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.StandardError}");
    }
}
