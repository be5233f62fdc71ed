namespace Sprocket.Reconciler.Notify;

/// <summary>
/// One element of the stream of reconcile records that notifiers subscribe to. The loop fills it from what it already
/// knows and hands it to <see cref="INotificationPublisher.Publish"/>; it never learns which notifiers exist.
/// </summary>
/// <param name="Kind">One of <see cref="NotificationKind"/>.</param>
/// <param name="Stack">The stack name from the desired-state file.</param>
/// <param name="Services">Names of the Swarm services concerned (all of the stack's for a deploy).</param>
/// <param name="Tag">The tag the event is about: the desired tag for deploys, holds, drift and synced; the live
/// (rolled-back-to) tag for emergency-rollback and realign.</param>
/// <param name="PreviousTag">The tag before: what was applied before a deploy, the tag rolled away from in a rollback.</param>
/// <param name="Revision">The git commit (full sha) of the desired-state repository the decision was taken on.</param>
/// <param name="Message">The human explanation the status page shows (no secrets: it is sent to outside systems).</param>
/// <param name="At">When it happened (the loop's <see cref="TimeProvider"/>).</param>
public sealed record ReconcileNotification(
    string Kind,
    string Stack,
    IReadOnlyList<string> Services,
    string Tag,
    string? PreviousTag,
    string Revision,
    string Message,
    DateTimeOffset At)
{
    /// <summary>The desired-state repository on GitHub (<see cref="GitHubRepository.TryParse"/> of its URL), when it is one;
    /// without it no commit status or deployment is created.</summary>
    public GitHubRepository? Repository { get; init; }

    /// <summary>How long the apply took, for deploy-succeeded and deploy-failed (Gatus shows it as the result's duration).</summary>
    public TimeSpan? Duration { get; init; }
}
