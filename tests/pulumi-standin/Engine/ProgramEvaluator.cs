using System.Text;
using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Cli;
using Sprocket.PulumiStandin.Workspace;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>
/// Runs the Pulumi YAML program as far as the stand-in understands it: every resource must be a
/// <c>docker:Service</c>; <c>${key}</c> in any string property reads stack config (then the project's
/// declared defaults), <c>${pulumi.stack}</c>/<c>${pulumi.project}</c> the names; <c>$${</c> escapes.
/// </summary>
public static class ProgramEvaluator
{
    private static readonly HashSet<string> ServiceTypeTokens =
        new(["docker:Service", "docker:index:Service", "docker:index/service:Service"], StringComparer.Ordinal);

    public static IReadOnlyList<DesiredService> Evaluate(ProjectFile project, string stack, IReadOnlyDictionary<string, string> stackConfig)
    {
        var services = new List<DesiredService>();
        foreach (var (logicalName, node) in project.Resources)
        {
            var type = node?["type"]?.ToString();
            if (type is null || !ServiceTypeTokens.Contains(type))
            {
                throw new CliException(
                    $"resource '{logicalName}': the Pulumi stand-in supports only resources of type docker:Service, not '{type}'");
            }

            var properties = Interpolate(node!["properties"] ?? new JsonObject(), project, stack, stackConfig, logicalName) as JsonObject
                ?? throw new CliException($"resource '{logicalName}': properties must be a mapping");
            var name = properties["name"]?.ToString()
                ?? throw new CliException($"resource '{logicalName}': property 'name' is required (the Swarm service name)");
            var image = properties["taskSpec"]?["containerSpec"]?["image"]?.ToString()
                ?? throw new CliException($"Missing required property 'taskSpec.containerSpec.image' on resource '{logicalName}'");
            services.Add(new DesiredService(logicalName, name, image, properties));
        }

        return services;
    }

    private static JsonNode? Interpolate(JsonNode? node, ProjectFile project, string stack, IReadOnlyDictionary<string, string> config, string resource) =>
        node switch
        {
            JsonObject map => new JsonObject(map.Select(pair =>
                KeyValuePair.Create(pair.Key, Interpolate(pair.Value, project, stack, config, resource)))),
            JsonArray list => new JsonArray(list.Select(item => Interpolate(item, project, stack, config, resource)).ToArray()),
            JsonValue value => JsonValue.Create(Substitute(value.ToString(), project, stack, config, resource)),
            _ => null,
        };

    private static string Substitute(string text, ProjectFile project, string stack, IReadOnlyDictionary<string, string> config, string resource)
    {
        var output = new StringBuilder();
        var index = 0;
        while (index < text.Length)
        {
            if (text.AsSpan(index).StartsWith("$${"))
            {
                output.Append("${");
                index += 3;
                continue;
            }

            if (text.AsSpan(index).StartsWith("${"))
            {
                var end = text.IndexOf('}', index);
                if (end < 0) throw new CliException($"resource '{resource}': unterminated interpolation in \"{text}\"");
                output.Append(Lookup(text[(index + 2)..end].Trim(), project, stack, config, resource));
                index = end + 1;
                continue;
            }

            output.Append(text[index]);
            index++;
        }

        return output.ToString();
    }

    private static string Lookup(string name, ProjectFile project, string stack, IReadOnlyDictionary<string, string> config, string resource)
    {
        if (name == "pulumi.stack") return stack;
        if (name == "pulumi.project") return project.Name;
        var key = project.StripNamespace(name);
        if (config.TryGetValue($"{project.Name}:{key}", out var value)) return value;
        if (project.ConfigDefaults.TryGetValue(key, out var fallback))
        {
            return fallback ?? throw new CliException($"Missing required configuration variable '{project.Name}:{key}'");
        }

        throw new CliException($"resource '{resource}': resource or variable named \"{name}\" could not be found");
    }
}
