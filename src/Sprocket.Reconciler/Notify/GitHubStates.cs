using Octokit;

namespace Sprocket.Reconciler.Notify;

/// <summary>What each kind means on GitHub; pure.</summary>
public static class GitHubStates
{
    public const string ContextPrefix = "sprocket-reconciler/";

    public static string ContextOf(string stack) => ContextPrefix + stack;

    /// <summary>
    /// The commit status of the desired-state revision: pending while it deploys, success once it runs, failure
    /// when its deploy failed, error when it does not run for a reason outside the deploy (rolled back by hand, held,
    /// drifted). A realign writes a new commit, which gets its own statuses.
    /// </summary>
    public static CommitState? CommitStateOf(string kind) => kind switch
    {
        NotificationKind.DeployStarted => CommitState.Pending,
        NotificationKind.DeploySucceeded or NotificationKind.Synced => CommitState.Success,
        NotificationKind.DeployFailed => CommitState.Failure,
        NotificationKind.EmergencyRollback or NotificationKind.Hold or NotificationKind.Drift => CommitState.Error,
        _ => null,
    };

    /// <summary>The deployment status a deploy kind sets: in_progress, then success or failure.</summary>
    public static DeploymentState? DeploymentStateOf(string kind) => kind switch
    {
        NotificationKind.DeployStarted => DeploymentState.InProgress,
        NotificationKind.DeploySucceeded => DeploymentState.Success,
        NotificationKind.DeployFailed => DeploymentState.Failure,
        _ => null,
    };

    /// <summary>A full commit id (sha-1, or sha-256 for repositories that use it); statuses need one.</summary>
    public static bool IsCommitSha(string revision) =>
        revision.Length is 40 or 64 && revision.All(char.IsAsciiHexDigitLower);
}
