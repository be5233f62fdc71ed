namespace Sprocket.Reconciler.Notify;

/// <summary>
/// Values of <see cref="ReconcileNotification.Kind"/> and of the <c>kind</c> label of the notification counters.
/// They are also Grafana tags, so they stay lower-case and hyphenated.
/// </summary>
public static class NotificationKind
{
    /// <summary>An apply began (the stack's desired tag is being rolled out).</summary>
    public const string DeployStarted = "deploy-started";

    /// <summary>An apply converged on the desired tag.</summary>
    public const string DeploySucceeded = "deploy-succeeded";

    /// <summary>An apply ended without the desired tag running (failed, rolled back by Swarm, locked, cancelled…).</summary>
    public const string DeployFailed = "deploy-failed";

    /// <summary>An on-call engineer rolled a service back by hand; the stack is held on the rolled-back tag.</summary>
    public const string EmergencyRollback = "emergency-rollback";

    /// <summary>The stack was put on hold (policy, failed-update rollback, circuit open, or by hand).</summary>
    public const string Hold = "hold";

    /// <summary>Git is being re-aligned with what runs after an emergency rollback.</summary>
    public const string Realign = "realign";

    /// <summary>Live differs from desired for another reason (manual change, missing service, tag moved).</summary>
    public const string Drift = "drift";

    /// <summary>The stack became synced: every service runs the desired tag.</summary>
    public const string Synced = "synced";

    public static readonly IReadOnlyList<string> All =
        [DeployStarted, DeploySucceeded, DeployFailed, EmergencyRollback, Hold, Realign, Drift, Synced];

    /// <summary>The event family Grafana dashboards filter on: the three deploy kinds share <c>deploy</c>.</summary>
    public static string EventOf(string kind) => kind.StartsWith("deploy-", StringComparison.Ordinal) ? "deploy" : kind;
}
