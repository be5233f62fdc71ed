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
}
