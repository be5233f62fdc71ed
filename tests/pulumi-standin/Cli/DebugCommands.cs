namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// <c>PULUMI_DEBUG_COMMANDS</c> (v3.259.0 sdk/go/common/env/env.go DebugCommands): the operations register
/// <c>--event-log</c> only when it is true (pkg/cmd/pulumi/operations/up.go, preview.go, refresh.go,
/// destroy.go, import.go: <c>if env.DebugCommands.Value()</c>). Truthy as BoolValue.Value in
/// sdk/go/common/util/env/env.go: exactly "1" or "true" in any case; no trimming, anything else is false.
/// </summary>
public static class DebugCommands
{
    public const string Variable = "PULUMI_DEBUG_COMMANDS";

    private static readonly HashSet<string> EventLogCommands = new(StringComparer.Ordinal)
    {
        "up", "update", "preview", "pre", "refresh", "destroy", "import",
    };

    public static bool IsTruthy(string? value) =>
        value is not null && (value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase));

    public static bool Enabled() => IsTruthy(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Whether <paramref name="command"/> has the flag at all with this environment.</summary>
    public static bool HasEventLogFlag(string? command, bool enabled) => enabled && command is not null && EventLogCommands.Contains(command);
}
