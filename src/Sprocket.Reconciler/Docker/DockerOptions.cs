namespace Sprocket.Reconciler.Docker;

/// <summary><c>Reconciler:Docker</c>. Host falls back to DOCKER_HOST, then the local socket, as the docker CLI does.</summary>
public sealed class DockerOptions
{
    public const string Section = "Reconciler:Docker";
    public const string LocalSocket = "unix:///var/run/docker.sock";

    public string? Host { get; set; }

    /// <summary>Longest wait between reconnect attempts when the engine has gone away. It bounds how long after the engine
    /// answers again the agent sees it (and resyncs): an attempt is one connect to the socket, so 5 s costs nothing and
    /// keeps recovery from an engine restart within seconds (30 s left up to 30 s of blindness after a long outage).</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the instance re-checks whether its engine is the Swarm's Raft leader.</summary>
    public TimeSpan LeaderCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public Uri ResolveEndpoint(Func<string, string?> environment)
    {
        var host = string.IsNullOrWhiteSpace(Host) ? environment("DOCKER_HOST") : Host;
        return new Uri(string.IsNullOrWhiteSpace(host) ? LocalSocket : host);
    }
}
