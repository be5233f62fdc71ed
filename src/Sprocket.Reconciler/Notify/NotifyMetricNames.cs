namespace Sprocket.Reconciler.Notify;

/// <summary>
/// Instrument names of this folder, as Prometheus scrapes them (meter <c>Sprocket.Reconciler</c>).
/// Kept here until they move to Telemetry/MetricNames.cs.
/// </summary>
public static class NotifyMetricNames
{
    /// <summary>Notifications delivered, labelled <c>notifier</c> and <c>kind</c>.</summary>
    public const string Notifications = "sprocket_reconciler_notifications_total";

    /// <summary>Notifications that failed (error answer, timeout, unreachable), labelled <c>notifier</c> and <c>kind</c>.</summary>
    public const string NotificationFailures = "sprocket_reconciler_notification_failures_total";

    /// <summary>Notifications discarded unsent because the notifier's queue was full (the oldest goes first),
    /// labelled <c>notifier</c> and <c>kind</c>.</summary>
    public const string NotificationsDropped = "sprocket_reconciler_notifications_dropped_total";
}
