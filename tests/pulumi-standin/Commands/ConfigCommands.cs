using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Commands;

/// <summary>`pulumi config [get|set]` on Pulumi.&lt;stack&gt;.yaml (plaintext values only).</summary>
public static class ConfigCommands
{
    public static int Run(ParsedArguments arguments, string workDirectory, TimeProvider clock, TextWriter stdout)
    {
        var context = StackContext.Resolve(arguments, workDirectory, clock);
        var subcommand = arguments.Words.ElementAtOrDefault(1);
        return subcommand switch
        {
            "get" => Get(arguments, context, stdout),
            "set" => Set(arguments, context),
            null => List(arguments, context, stdout),
            _ => throw new CliException($"unknown command \"{subcommand}\" for \"pulumi config\""),
        };
    }

    private static int Get(ParsedArguments arguments, StackContext context, TextWriter stdout)
    {
        var key = arguments.Words.ElementAtOrDefault(2) ?? throw new CliException("accepts 1 arg(s), received 0");
        var namespaced = Namespaced(key, context);
        if (!context.ConfigValues.TryGetValue(namespaced, out var value))
        {
            throw new CliException($"configuration key '{Pretty(namespaced, context)}' not found for stack '{context.Stack}'");
        }

        stdout.WriteLine(arguments.IsSet("json")
            ? new JsonObject { ["value"] = value, ["secret"] = false }.ToJsonString(Json.Indented)
            : value);
        return 0;
    }

    private static int Set(ParsedArguments arguments, StackContext context)
    {
        if (arguments.IsSet("secret")) throw new CliException("the Pulumi stand-in supports only --plaintext config values");
        var key = arguments.Words.ElementAtOrDefault(2) ?? throw new CliException("accepts between 1 and 2 arg(s), received 0");
        var value = arguments.Words.ElementAtOrDefault(3) ?? arguments.AfterDoubleDash.FirstOrDefault()
            ?? throw new CliException("value must be specified in non-interactive mode");
        context.Config.Set(Namespaced(key, context), value);
        context.Config.Save();
        return 0;
    }

    private static int List(ParsedArguments arguments, StackContext context, TextWriter stdout)
    {
        if (arguments.IsSet("json"))
        {
            var all = new JsonObject(context.ConfigValues.Select(pair => KeyValuePair.Create(pair.Key,
                (JsonNode?)new JsonObject { ["value"] = pair.Value, ["secret"] = false })));
            stdout.WriteLine(all.ToJsonString(Json.Indented));
            return 0;
        }

        stdout.WriteLine("KEY  VALUE");
        foreach (var (key, value) in context.ConfigValues) stdout.WriteLine($"{Pretty(key, context)}  {value}");
        return 0;
    }

    /// <summary>A key without a namespace belongs to the project: <c>image-tag</c> → <c>platform:image-tag</c>.</summary>
    private static string Namespaced(string key, StackContext context) =>
        key.Contains(':', StringComparison.Ordinal) ? key : $"{context.Project.Name}:{key}";

    /// <summary>As the CLI prints keys: the project's own namespace is dropped.</summary>
    private static string Pretty(string namespaced, StackContext context) => context.Project.StripNamespace(namespaced);
}
