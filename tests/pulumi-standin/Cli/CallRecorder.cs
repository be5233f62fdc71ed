using System.Text.Json.Nodes;

namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// Appends one JSON line per invocation to <c>$SPROCKET_STANDIN_CALLS</c>, so tests can assert the exact
/// sequence of CLI calls a driver made. Records the NAMES of PULUMI_* variables only: their values may be secrets.
/// </summary>
public static class CallRecorder
{
    public const string Variable = "SPROCKET_STANDIN_CALLS";

    public static void Record(IReadOnlyList<string> argv, string workDirectory, int exitCode)
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path)) return;

        var pulumiVariables = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("PULUMI_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => (JsonNode?)JsonValue.Create(name));
        var line = new JsonObject
        {
            ["argv"] = new JsonArray(argv.Select(argument => (JsonNode?)JsonValue.Create(argument)).ToArray()),
            ["cwd"] = workDirectory,
            ["exitCode"] = exitCode,
            ["pulumiEnv"] = new JsonArray(pulumiVariables.ToArray()),
        };

        // One write of a whole line on an O_APPEND stream: concurrent invocations do not interleave.
        var bytes = System.Text.Encoding.UTF8.GetBytes(line.ToJsonString(Json.Compact) + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(bytes);
    }
}
