using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Workspace;

/// <summary>
/// The Pulumi project: Pulumi.yaml found from the work directory upwards, as the real CLI finds it.
/// Only the YAML runtime's shape is read: <c>name</c>, <c>config</c> (declarations with defaults), <c>resources</c>.
/// </summary>
public sealed record ProjectFile(string Name, string Directory, string Path, JsonObject Document)
{
    public JsonObject Resources => Document["resources"] as JsonObject ?? [];

    /// <summary>Declared config keys (without the project namespace) and their defaults, if any.</summary>
    public IReadOnlyDictionary<string, string?> ConfigDefaults =>
        (Document["config"] as JsonObject ?? []).ToDictionary(
            pair => StripNamespace(pair.Key),
            pair => pair.Value switch
            {
                JsonObject declaration => declaration["default"]?.ToString() ?? declaration["value"]?.ToString(),
                JsonValue value => value.ToString(),
                _ => null,
            });

    public string StripNamespace(string key) =>
        key.StartsWith(Name + ":", StringComparison.Ordinal) ? key[(Name.Length + 1)..] : key;

    public static ProjectFile Find(string workDirectory)
    {
        for (var directory = new DirectoryInfo(workDirectory); directory is not null; directory = directory.Parent)
        {
            var path = System.IO.Path.Combine(directory.FullName, "Pulumi.yaml");
            if (File.Exists(path)) return Load(path);
        }

        throw new CliException(
            $"no Pulumi.yaml project file found (searching upwards from {workDirectory}). If you have not created a " +
            "project yet, use `pulumi new` to do so: no project file found");
    }

    private static ProjectFile Load(string path)
    {
        var document = YamlToJson.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new CliException($"could not read '{path}': the project file is empty");
        var name = document["name"]?.ToString();
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CliException($"failed to load Pulumi project located at \"{path}\": project is missing a 'name' attribute");
        }

        var runtime = document["runtime"] switch
        {
            JsonObject runtimeObject => runtimeObject["name"]?.ToString(),
            var value => value?.ToString(),
        };
        if (runtime != "yaml")
        {
            throw new CliException($"the Pulumi stand-in runs only `runtime: yaml` programs; {path} says runtime '{runtime}'");
        }

        return new ProjectFile(name, System.IO.Path.GetDirectoryName(path)!, path, document);
    }
}
