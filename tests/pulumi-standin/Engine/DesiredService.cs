using System.Text.Json.Nodes;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>
/// One <c>docker:Service</c> resource of the program after config interpolation. <see cref="Image"/> is what
/// the program says (usually <c>repo:tag</c>); the provider resolves it to <c>repo@sha256:…</c> before applying.
/// </summary>
public sealed record DesiredService(string LogicalName, string ServiceName, string Image, JsonObject Properties)
{
    /// <summary>The resource inputs as state records them: the program's properties with the image resolved.</summary>
    public JsonObject InputsWith(string resolvedImage)
    {
        var inputs = Properties.DeepClone().AsObject();
        inputs["taskSpec"]!["containerSpec"]!["image"] = resolvedImage;
        return inputs;
    }

    /// <summary>Swarm's update failure action from <c>updateConfig.failureAction</c> (pause, continue, rollback), if set.</summary>
    public string? FailureAction => Properties["updateConfig"]?["failureAction"]?.ToString();

    /// <summary><c>updateConfig.monitor</c> as a duration (<c>2s</c>, <c>500ms</c>, <c>1m</c>), if set.</summary>
    public TimeSpan? Monitor => Properties["updateConfig"]?["monitor"]?.ToString() is { } text ? Durations.Parse(text) : null;

    /// <summary>Replicas from <c>mode.replicated.replicas</c>; 1 when absent.</summary>
    public ulong Replicas =>
        ulong.TryParse(Properties["mode"]?["replicated"]?["replicas"]?.ToString(), out var replicas) ? replicas : 1;
}
