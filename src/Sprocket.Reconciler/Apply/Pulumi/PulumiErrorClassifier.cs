using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The ONE table from a failed CLI run (stderr text, exit code) to a reason and an <see cref="ApplyOutcome"/>.
/// The texts are the CLI's own (pulumi/pulumi: sdk/go/auto/errors.go, pkg/backend/diy/lock.go,
/// pkg/secrets/passphrase/manager.go, the cloud backend's "[code] message" errors, pflag's "unknown flag" and
/// pkg/cmd/pulumi/rattler/rattler.go's "unknown command"); the exit codes are the CLI's taxonomy since v3.226.0
/// (pkg/cmd/pulumi/cmd/exit_codes.go ExitCodeFor, constants in sdk/go/common/util/cmdutil/exit.go: 1 error,
/// 2 configuration, 3 authentication, 4 resource, 5 policy, 6 stack not found, 7 no changes expected,
/// 8 cancelled, 9 timeout, 255 internal). Text rows come first because older CLIs exit 255 for everything, and
/// v3.259.0 still exits 1 for lock conflicts, unknown flags and failed updates (plain and bail errors).
/// </summary>
internal static partial class PulumiErrorClassifier
{
    /// <summary>One row: a reason and what identifies it.</summary>
    public sealed record Rule(PulumiFailureReason Reason, string Evidence, Func<int, string, bool> Matches);

    public static IReadOnlyList<Rule> Table { get; } =
    [
        Text(PulumiFailureReason.LockConflict, "Conflict: Another update is currently in progress"),
        Text(PulumiFailureReason.LockConflict, "the stack is currently locked by"),
        new(PulumiFailureReason.StackNotFound, "no stack named '…' found", (_, stderr) => NoStackNamed().IsMatch(stderr)),
        Text(PulumiFailureReason.Authentication, "PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions"),
        Text(PulumiFailureReason.Authentication, "[401] Unauthorized"),
        Text(PulumiFailureReason.Authentication, "[403] Forbidden"),
        Text(PulumiFailureReason.Authentication, "incorrect passphrase"),
        Text(PulumiFailureReason.Authentication, "passphrase must be set with PULUMI_CONFIG_PASSPHRASE"),
        Text(PulumiFailureReason.Configuration, "no Pulumi.yaml project file found"),
        // The CLI lacks a flag or command we pass: too old, or PULUMI_DEBUG_COMMANDS missing (--event-log).
        Text(PulumiFailureReason.Configuration, "error: unknown flag: "),
        Text(PulumiFailureReason.Configuration, "error: unknown shorthand flag: "),
        Text(PulumiFailureReason.Configuration, "error: unknown command \""),
        ExitCode(PulumiFailureReason.Configuration, 2),
        ExitCode(PulumiFailureReason.Authentication, 3),
        ExitCode(PulumiFailureReason.ResourceFailure, 4),
        ExitCode(PulumiFailureReason.PolicyViolation, 5),
        ExitCode(PulumiFailureReason.StackNotFound, 6),
        ExitCode(PulumiFailureReason.NoChangesExpected, 7),
        ExitCode(PulumiFailureReason.Cancelled, 8),
        ExitCode(PulumiFailureReason.Timeout, 9),
    ];

    public static PulumiFailureReason Classify(int exitCode, string stderr)
    {
        foreach (var rule in Table)
            if (rule.Matches(exitCode, stderr))
                return rule.Reason;
        return PulumiFailureReason.Other;
    }

    /// <summary>Lock conflicts retry with backoff; what needs a human stops the retry loop; the rest backs off.</summary>
    public static ApplyOutcome ToOutcome(PulumiFailureReason reason) => reason switch
    {
        PulumiFailureReason.LockConflict => ApplyOutcome.Locked,
        PulumiFailureReason.StackNotFound or PulumiFailureReason.Authentication or PulumiFailureReason.Configuration
            or PulumiFailureReason.PolicyViolation => ApplyOutcome.Misconfigured,
        _ => ApplyOutcome.Failed,
    };

    /// <summary>The CLI's <c>error:</c> lines (the cause), else the last non-empty stderr lines.</summary>
    public static string Summarize(string stderr, int maxLines = 5)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(line => line.StartsWith("error:", StringComparison.Ordinal)).Take(maxLines).ToList();
        var chosen = errors.Count > 0 ? errors : lines.TakeLast(maxLines).ToList();
        return string.Join(" ", chosen);
    }

    private static Rule Text(PulumiFailureReason reason, string text) =>
        new(reason, text, (_, stderr) => stderr.Contains(text, StringComparison.Ordinal));

    private static Rule ExitCode(PulumiFailureReason reason, int code) =>
        new(reason, $"exit code {code}", (exitCode, _) => exitCode == code);

    // The Automation API's IsSelectStack404Error uses the same shape.
    [GeneratedRegex(@"no stack named .* found")]
    private static partial Regex NoStackNamed();
}
