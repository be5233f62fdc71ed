using System.Globalization;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The argument lists, exactly as the Automation API builds them (sdk/go/auto/local_workspace.go, stack.go).
/// <c>--non-interactive</c> is added by <see cref="PulumiCli"/>; <c>--stack</c> takes the stack as written in
/// the desired state (<c>prod</c> or <c>org/project/prod</c>).
/// </summary>
internal static class PulumiCommands
{
    public const string ExecKind = "auto.local";

    public static IReadOnlyList<string> Version() => ["version"];

    public static IReadOnlyList<string> Install() => ["install"];

    public static IReadOnlyList<string> SelectStack(string stack) => ["stack", "select", "--stack", stack];

    /// <summary>The value goes after <c>--</c> so a tag starting with '-' can never be read as a flag.</summary>
    public static IReadOnlyList<string> SetConfig(string stack, string key, string value) =>
        ["config", "set", key, "--plaintext", "--stack", stack, PulumiCli.NonInteractive, "--", value];

    public static IReadOnlyList<string> GetConfig(string stack, string key) => ["config", "get", key, "--json", "--stack", stack];

    public static IReadOnlyList<string> Preview(string stack) => ["preview", "--json", "--stack", stack];

    /// <param name="refresh">Deploy: <c>--refresh</c>, so the update starts from what runs. An align runs its refresh
    /// apart (<see cref="Refresh"/>) and its up without one: that up then never reads Swarm, so it cannot undo a
    /// rollback the on-call makes while it runs.</param>
    public static IReadOnlyList<string> Up(string stack, string eventLog, bool refresh = true) =>
        ["up", "--yes", "--skip-preview", .. refresh ? new[] { "--refresh" } : [], "--event-log", eventLog, "--exec-kind", ExecKind, "--stack", stack];

    /// <summary><c>pulumi refresh --yes</c>: reads what runs into the state, changes nothing that runs.</summary>
    public static IReadOnlyList<string> Refresh(string stack) => ["refresh", "--yes", "--exec-kind", ExecKind, "--stack", stack];

    /// <summary><c>pulumi stack export</c>: the state's deployment (sdk/go/auto/local_workspace.go ExportStack).</summary>
    public static IReadOnlyList<string> Export(string stack) => ["stack", "export", "--stack", stack];

    public static IReadOnlyList<string> History(string stack, int pageSize) =>
        ["stack", "history", "--json", "--page-size", pageSize.ToString(CultureInfo.InvariantCulture), "--page", "1", "--stack", stack];
}
