using System.Globalization;
using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>One lock the CLI named in a lock conflict: the lock's key, who took it, where, with which process, when.</summary>
internal sealed record StackLockHolder(string Lock, string User, string Host, int ProcessId, string Since)
{
    public override string ToString() => $"{User}@{Host} (pid {ProcessId}) since {Since}";
}

/// <summary>
/// Reads who holds a stack's lock from the CLI's lock-conflict error. The file-like (DIY) backends name every
/// lock: <c>\n  &lt;lock url&gt;: created by user@host (pid N) at RFC3339</c> (pulumi/pulumi
/// pkg/backend/diy/lock.go, checkForLock); Pulumi Cloud's 409 names nobody, so the list is empty.
/// </summary>
internal static partial class StackLockHolders
{
    public static IReadOnlyList<StackLockHolder> Parse(string stderr) =>
        HolderLine().Matches(stderr).Select(match => new StackLockHolder(
            match.Groups["lock"].Value,
            match.Groups["user"].Value,
            match.Groups["host"].Value,
            int.TryParse(match.Groups["pid"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : 0,
            match.Groups["at"].Value)).ToList();

    /// <summary>"held by ci@build-7 (pid 4242) since …", or that the CLI did not say (Pulumi Cloud).</summary>
    public static string Describe(IReadOnlyList<StackLockHolder> holders) =>
        holders.Count == 0 ? "by another update (the backend does not say whose)" : "by " + string.Join(", ", holders);

    /// <summary>True when one of the locks is the given process's on this host: a run of ours that died holding it.</summary>
    public static bool AnyHeldBy(IReadOnlyList<StackLockHolder> holders, int processId, string host) =>
        holders.Any(holder => holder.ProcessId == processId && string.Equals(holder.Host, host, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^\s*(?<lock>\S+): created by (?<user>.*?)@(?<host>[^\s@]*) \(pid (?<pid>-?\d+)\) at (?<at>\S*)\s*$", RegexOptions.Multiline)]
    private static partial Regex HolderLine();
}
