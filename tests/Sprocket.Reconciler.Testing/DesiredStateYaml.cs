using System.Text;

namespace Sprocket.Reconciler.Testing;

/// <summary>One managed service of a test stack: its image repository and the Swarm name glob that finds it.</summary>
public sealed record DesiredService(string Repository, string Match);

/// <summary>
/// One <c>engine: swarm</c> stack of a desired-state file. <see cref="Policy"/> holds the policy block's lines;
/// by default <see cref="ObserveOnlyPolicy"/>, so detection tests see the verdicts without the daemon acting.
/// </summary>
public sealed record DesiredStack(string Name, string ImageTag, IReadOnlyList<DesiredService> Services)
{
    /// <summary>Never applies on its own: no auto-sync, drift only alerts, a manual rollback is held.</summary>
    public static readonly IReadOnlyList<string> ObserveOnlyPolicy =
        ["autoSync: false", "onEmergencyRollback: hold", "onFailedUpdateRollback: alert", "onDrift: alert"];

    public IReadOnlyList<string> Policy { get; init; } = ObserveOnlyPolicy;

    public DesiredStack(string name, string imageTag, params DesiredService[] services)
        : this(name, imageTag, (IReadOnlyList<DesiredService>)services)
    {
    }

    public DesiredStack WithTag(string imageTag) => this with { ImageTag = imageTag };
}

/// <summary>Writes desired-state files for tests; the line numbers of fields are predictable.</summary>
public static class DesiredStateYaml
{
    public const string FileName = "desired-state.yaml";

    public static string Render(IEnumerable<DesiredStack> stacks)
    {
        var text = new StringBuilder("version: 1\nstacks:\n");
        foreach (var stack in stacks)
        {
            text.Append($"  - name: {stack.Name}\n")
                .Append("    engine: swarm\n")
                .Append($"    imageTag: {stack.ImageTag}\n")
                .Append("    services:\n");
            foreach (var service in stack.Services)
            {
                text.Append($"      - repository: {service.Repository}\n")
                    .Append($"        match: '{service.Match}'\n");
            }
            // After the services, so the lines of the fields above stay where tests expect them.
            if (stack.Policy.Count > 0) text.Append("    policy:\n");
            foreach (var line in stack.Policy) text.Append($"      {line}\n");
        }

        return text.ToString();
    }

    public static string Render(params DesiredStack[] stacks) => Render((IEnumerable<DesiredStack>)stacks);
}
