using System.Text.Json.Nodes;

namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// Appends one JSON line per invocation to <c>$SPROCKET_STANDIN_CALLS</c>, so tests can assert the exact
/// sequence of CLI calls a driver made. Records the NAMES of PULUMI_* variables only: their values may be secrets.
/// Each line also has the process id and when it started and ended; <c>$SPROCKET_STANDIN_STARTS</c> gets a line
/// when a call starts, so a call killed before it could record its end (SIGKILL) is still seen, and tests can
/// check that no two updates of a stack ever overlapped.
/// </summary>
public static class CallRecorder
{
    public const string Variable = "SPROCKET_STANDIN_CALLS";
    public const string StartsVariable = "SPROCKET_STANDIN_STARTS";

    private static readonly DateTimeOffset StartedAt = DateTimeOffset.UtcNow;

    public static void RecordStart(IReadOnlyList<string> argv)
    {
        var path = Environment.GetEnvironmentVariable(StartsVariable);
        if (string.IsNullOrEmpty(path)) return;
        Append(path, new JsonObject
        {
            ["argv"] = new JsonArray(argv.Select(argument => (JsonNode?)JsonValue.Create(argument)).ToArray()),
            ["pid"] = Environment.ProcessId,
            ["startedAt"] = StartedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });
    }

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
            ["pid"] = Environment.ProcessId,
            ["startedAt"] = StartedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["endedAt"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        Append(path, line);
    }

    private static void Append(string path, JsonObject line)
    {
        // One write of a whole line on an O_APPEND stream: concurrent invocations do not interleave.
        var bytes = System.Text.Encoding.UTF8.GetBytes(line.ToJsonString(Json.Compact) + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(bytes);
    }
}
