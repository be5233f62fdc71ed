using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Sprocket.PulumiStandin.Workspace;

/// <summary>
/// Remembers `pulumi stack select` per project the way the real CLI does: a workspace file under
/// $PULUMI_HOME/workspaces (default ~/.pulumi) keyed by the project file's path.
/// </summary>
public static class CurrentStackStore
{
    public static string? Read(ProjectFile project)
    {
        var path = PathFor(project);
        if (!File.Exists(path)) return null;
        var reference = JsonNode.Parse(File.ReadAllText(path))?["stack"]?.ToString();
        return reference?.Split('/').Last();
    }

    public static void Write(ProjectFile project, string stack)
    {
        var path = PathFor(project);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, new JsonObject { ["stack"] = $"organization/{project.Name}/{stack}" }.ToJsonString());
    }

    private static string PathFor(ProjectFile project)
    {
        var home = Environment.GetEnvironmentVariable("PULUMI_HOME") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pulumi");
        var hash = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(project.Path)));
        return System.IO.Path.Combine(home, "workspaces", $"{project.Name}-{hash}-workspace.json");
    }
}
