using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.StatusPages;

/// <summary>
/// The commands a stack's page offers, exact enough to paste: the write API (<c>Http/StackActionEndpoints</c>) with the
/// token from the environment, never written into the page, and the CLI. Names are quoted for a POSIX shell and escaped
/// in URLs, so that even a name no desired-state file would accept makes a command that does what it says.
/// </summary>
public static partial class OperatorCommands
{
    public static IReadOnlyList<OperatorCommand> For(string stack, Uri publicBase)
    {
        // Concatenated, not combined through Uri, which would unescape some of what EscapeDataString escaped.
        var api = $"{publicBase.AbsoluteUri}api/v1/stacks/{Uri.EscapeDataString(stack)}/";
        string Post(string action) => $"curl -fsS -X POST -H \"Authorization: Bearer $TOKEN\" {Quote(api + action)}";
        return
        [
            new("Hold: stop applying to this stack until resumed (or git names another tag)", Post("hold")),
            new("Resume: end the hold (an emergency-rollback hold too) and close the circuit, then reconcile", Post("resume")),
            new("Reconcile now: ignores sync windows, backoff and an open circuit, never a hold or a refused tag", Post("reconcile")),
            new("The stack document this page shows", $"curl -fsS {Quote(api.TrimEnd('/'))}"),
            new("What would change: desired against live, on a manager (its own data directory beside a running daemon)",
                "sprocket-reconciler diff --Reconciler:DataDirectory=/tmp/sprocket-diff"),
            new("The apply history, newest first (read from this agent's API)", $"sprocket-reconciler history {Quote(stack)} --url {Quote(publicBase.AbsoluteUri)}"),
            new("The timeline, newest first", $"sprocket-reconciler history {Quote(stack)} --events --url {Quote(publicBase.AbsoluteUri)}"),
        ];
    }

    /// <summary>A word a POSIX shell reads back unchanged: bare when it is plainly safe, else in single quotes.</summary>
    public static string Quote(string word) =>
        SafeWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeWord();
}
