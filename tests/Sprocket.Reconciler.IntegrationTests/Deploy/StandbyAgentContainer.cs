using System.Net;
using System.Net.Sockets;
using Sprocket.Reconciler.IntegrationTests.Leadership;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// A second agent, from the same image, beside a manager that is not the Raft leader (node 2 of the test Swarm), as an
/// operator with two agents would have it: <c>docker run</c> on that node's engine with its socket, on the host's
/// network, with the same settings and secrets files mounted at /etc/sprocket-reconciler. Its own port (the agent of
/// the stack holds 8080 on this one machine) and its own anonymous data volume, removed with it.
/// </summary>
internal sealed class StandbyAgentContainer : IAsyncDisposable
{
    private readonly ScratchDirectory _scratch;

    private StandbyAgentContainer(string dockerHost, string name, ScratchDirectory scratch, int port)
    {
        DockerHost = dockerHost;
        Name = name;
        _scratch = scratch;
        Api = new AgentApi(new Uri($"http://127.0.0.1:{port}/"));
    }

    public string DockerHost { get; }

    public string Name { get; }

    public AgentApi Api { get; }

    public static async Task<StandbyAgentContainer> StartAsync(string name, string image, AgentSettings settings)
    {
        var dockerHost = StandbyManager.DockerHost;
        await StandbyManager.AssertStandsByAsync(dockerHost);
        var scratch = new ScratchDirectory();
        var configDirectory = scratch.Combine("etc");
        Directory.CreateDirectory(configDirectory);
        await File.WriteAllTextAsync(Path.Combine(configDirectory, "10-settings.json"), settings.SettingsJson());
        await File.WriteAllTextAsync(Path.Combine(configDirectory, "20-secrets.json"), settings.SecretsJson());
        var port = FreeLoopbackPort();
        var container = new StandbyAgentContainer(dockerHost, name, scratch, port);
        try
        {
            await DockerCommand.RunAsync(dockerHost, ["pull", "--quiet", image]);
            await DockerCommand.RunAsync(dockerHost,
            [
                "run", "--detach", "--name", name, "--network", "host", "--no-healthcheck",
                "--volume", $"{new Uri(dockerHost).LocalPath}:/var/run/docker.sock",
                "--volume", $"{configDirectory}:/etc/sprocket-reconciler:ro",
                image, "run", "--urls", $"http://127.0.0.1:{port}",
            ]);
            return container;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    public async Task<string> LogsAsync()
    {
        var (standardOutput, standardError) = await DockerCommand.RunForBothStreamsAsync(DockerHost, ["logs", Name]);
        return standardOutput + standardError;
    }

    // The kernel picks a free port; it is free again once the listener stops, and the container takes it a moment later.
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        try
        {
            await DockerCommand.RunAsync(DockerHost, ["rm", "--force", "--volumes", Name]);
        }
        catch (DockerCliException exception) when (exception.StandardError.Contains("No such container", StringComparison.Ordinal))
        {
            // Never started.
        }
        finally
        {
            _scratch.Dispose();
        }
    }
}
