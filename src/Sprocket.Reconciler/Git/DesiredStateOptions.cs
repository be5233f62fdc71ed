namespace Sprocket.Reconciler.Git;

/// <summary>Where the desired-state file lives: configuration section <c>Reconciler:DesiredState</c>.</summary>
public sealed class DesiredStateOptions
{
    public const string SectionName = "Reconciler:DesiredState";

    /// <summary>An http(s), file:// or git:// URL, or a local path (absolute or relative to the working directory).</summary>
    public string Repository { get; set; } = "";

    public string Branch { get; set; } = "main";

    /// <summary>The file's path inside the repository, '/'-separated.</summary>
    public string Path { get; set; } = "desired-state.yaml";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a connect, read or write to the remote may take before the fetch fails as <c>unreachable</c>:
    /// a remote that accepts and never answers must not hold the fetch (and every later poll) forever.</summary>
    public TimeSpan RemoteTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
