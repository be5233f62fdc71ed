namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The environment and executable of a CLI run, as the Automation API sets them up: the daemon's own
/// environment minus any inherited <c>PULUMI_*</c> variable (the backend and its credentials come from
/// configuration only), plus <c>Reconciler:Pulumi:Environment</c>, plus — last, so configuration cannot turn
/// them off, as the Automation APIs add them after the caller's variables — <see cref="AutomationVariables"/>.
/// An absolute binary's folder goes first on PATH so the plugins installed beside it are found.
/// </summary>
internal static class PulumiProcessEnvironment
{
    public const string SkipUpdateCheck = "PULUMI_SKIP_UPDATE_CHECK";
    public const string DebugCommands = "PULUMI_DEBUG_COMMANDS";
    public const string AutomationApi = "PULUMI_AUTOMATION_API";

    /// <summary>
    /// What the Automation APIs set (pulumi/pulumi v3.259.0 sdk/go/auto: cmd.go sets PULUMI_SKIP_UPDATE_CHECK for
    /// `version` and PULUMI_AUTOMATION_API for every command; stack.go sets PULUMI_DEBUG_COMMANDS for stack
    /// operations; pulumi-dotnet LocalPulumiCommand.cs sets PULUMI_DEBUG_COMMANDS "Required for event log").
    /// PULUMI_DEBUG_COMMANDS is what makes <c>--event-log</c> exist on up/preview/refresh (v3.259.0
    /// pkg/cmd/pulumi/operations/up.go). We give all three to every command: one environment for all runs, and
    /// on the other commands they only quieten the update check and unhide debug commands.
    /// PULUMI_EXPERIMENTAL (remote workspaces only) and PULUMI_HOME (from configuration) are not ours to set.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> AutomationVariables { get; } =
    [
        new(SkipUpdateCheck, "true"),
        new(DebugCommands, "true"),
        new(AutomationApi, "true"),
    ];

    public static Dictionary<string, string> Build(IEnumerable<KeyValuePair<string, string?>> inherited, PulumiOptions options)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in inherited)
            if (value is not null && !name.StartsWith("PULUMI_", StringComparison.Ordinal))
                environment[name] = value;

        foreach (var (name, value) in options.Environment)
            environment[name] = value;
        foreach (var (name, value) in AutomationVariables)
            environment[name] = value;

        if (Path.IsPathRooted(options.Binary) && Path.GetDirectoryName(options.Binary) is { Length: > 0 } folder)
            environment["PATH"] = environment.TryGetValue("PATH", out var path) && path.Length > 0
                ? folder + Path.PathSeparator + path
                : folder;
        return environment;
    }

    /// <summary>The full path of the binary's name on <paramref name="path"/>, or null when it is nowhere.</summary>
    public static string? ResolveExecutable(string binary, string? path)
    {
        var name = Path.IsPathRooted(binary) ? Path.GetFileName(binary) : binary;
        foreach (var folder in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
                return Path.GetFullPath(candidate);
        }
        return null;
    }

    /// <summary>Every configured value long enough to be a secret, for scrubbing (short ones like "1" would mangle text).</summary>
    public static IReadOnlyList<string> SecretValues(PulumiOptions options) =>
        options.Environment.Values.Where(value => value.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(value => value.Length).ToList();
}
