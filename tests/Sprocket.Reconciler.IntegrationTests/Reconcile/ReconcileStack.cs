using System.Text;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>The two apply engines, as spelled in the desired-state file and the <c>engine</c> metric label.</summary>
public static class Engines
{
    public const string Swarm = "swarm";
    public const string Pulumi = "pulumi";
}

/// <summary>The <c>pulumi</c> block of an <c>engine: pulumi</c> stack: the program repository is a local git path.</summary>
public sealed record PulumiBlock(string Project, string Stack, string ProgramRepository);

/// <summary>
/// One stack of a desired-state file as the acting daemon reads it, for either engine.
/// <see cref="Policy"/> holds the policy block's lines, indented as written (sync windows are nested lines).
/// </summary>
public sealed record ReconcileStack(string Name, string Engine, string ImageTag, IReadOnlyList<DesiredService> Services)
{
    /// <summary>Acts on its own, holds on any rollback, reverts drift: the policy most scenarios start from.</summary>
    public static readonly IReadOnlyList<string> ActingPolicy =
        ["autoSync: true", "onEmergencyRollback: hold", "onFailedUpdateRollback: hold", "onDrift: revert", "writeBack: none"];

    public IReadOnlyList<string> Policy { get; init; } = ActingPolicy;

    public PulumiBlock? Pulumi { get; init; }

    public ReconcileStack WithTag(string imageTag) => this with { ImageTag = imageTag };

    /// <summary>The policy with <paramref name="key"/> set to <paramref name="value"/> (replacing a line for the same key).</summary>
    public ReconcileStack WithPolicy(string key, string value) =>
        this with { Policy = [.. Policy.Where(line => !line.StartsWith(key + ":", StringComparison.Ordinal)), $"{key}: {value}"] };

    public ReconcileStack WithPolicyLines(params string[] lines) => this with { Policy = [.. Policy, .. lines] };
}

/// <summary>Writes desired-state files with swarm and pulumi stacks.</summary>
public static class ReconcileYaml
{
    public static string Render(params ReconcileStack[] stacks)
    {
        var text = new StringBuilder("version: 1\nstacks:\n");
        foreach (var stack in stacks)
        {
            text.Append($"  - name: {stack.Name}\n")
                .Append($"    engine: {stack.Engine}\n")
                .Append($"    imageTag: {stack.ImageTag}\n");
            if (stack.Pulumi is { } pulumi)
            {
                text.Append("    pulumi:\n")
                    .Append($"      project: {pulumi.Project}\n")
                    .Append($"      stack: {pulumi.Stack}\n")
                    .Append($"      program: {{ repository: '{pulumi.ProgramRepository}', ref: main }}\n");
            }

            text.Append("    services:\n");
            foreach (var service in stack.Services)
            {
                text.Append($"      - repository: {service.Repository}\n")
                    .Append($"        match: '{service.Match}'\n");
            }

            if (stack.Policy.Count > 0) text.Append("    policy:\n");
            foreach (var line in stack.Policy) text.Append($"      {line}\n");
        }

        return text.ToString();
    }
}
