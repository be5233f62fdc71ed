using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Turns what the loop decided and did into notification records for the hub. The loop calls this one place;
/// it never knows which notifiers (GitHub, Grafana, Gatus) are listening.
/// </summary>
public sealed class StackNotifications(INotificationPublisher publisher, DesiredStateLocation location, TimeProvider time)
{
    /// <summary>The desired-state repository when it is on GitHub (links to its commits), else null. Plain http names a
    /// repository too: statuses go to the configured API address (GitHub:ApiUrl), never to the URL's scheme, as the
    /// write-back's do (a GitHub Enterprise Server behind plain http, or a loopback test server).</summary>
    public GitHubRepository? Repository { get; } = GitHubRepository.TryParse(location.DisplayRepository, allowPlainHttp: true);

    /// <summary>Publishes the transitions between two published statuses of a stack (not every pass).</summary>
    public void StatusChanged(DesiredSnapshot desired, StackEvaluation evaluation, StackControl? before, StackControl after)
    {
        if (before?.Status == after.Status) return;
        var kind = after.Status switch
        {
            StackStatus.Held when after.State.Hold?.Reason == Core.Policy.HoldReason.EmergencyRollback => NotificationKind.EmergencyRollback,
            StackStatus.Held => NotificationKind.Hold,
            StackStatus.Drifted => NotificationKind.Drift,
            StackStatus.Synced when before is not null => NotificationKind.Synced,
            _ => null,
        };
        if (kind is null) return;
        var live = evaluation.Services.Select(s => s.LiveTag).FirstOrDefault(t => t is not null && t != evaluation.DesiredTag);
        var emergency = kind == NotificationKind.EmergencyRollback;
        Publish(kind, desired, evaluation, emergency ? live ?? evaluation.DesiredTag : evaluation.DesiredTag,
            emergency ? evaluation.DesiredTag : null, after.Message, null);
    }

    public void Deploy(string kind, DesiredSnapshot desired, StackEvaluation evaluation, string message, TimeSpan? duration = null) =>
        Publish(kind, desired, evaluation, evaluation.DesiredTag, evaluation.Services.Select(s => s.LiveTag).FirstOrDefault(t => t is not null), message, duration);

    public void Realigned(DesiredSnapshot desired, StackEvaluation evaluation, string goodTag, string badTag, string message) =>
        Publish(NotificationKind.Realign, desired, evaluation, goodTag, badTag, message, null);

    private void Publish(string kind, DesiredSnapshot desired, StackEvaluation evaluation, string tag, string? previousTag, string message, TimeSpan? duration) =>
        publisher.Publish(new ReconcileNotification(kind, evaluation.Stack,
            evaluation.Services.Where(s => !s.ObserveOnly && s.ServiceId is not null).Select(s => s.Name).ToList(),
            tag, previousTag, desired.Revision, message, time.GetUtcNow())
        {
            Repository = Repository,
            Duration = duration,
        });
}
