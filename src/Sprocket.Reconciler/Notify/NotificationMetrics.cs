using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Notify;

/// <summary>The notification counters, on the daemon's meter.</summary>
public sealed class NotificationMetrics
{
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dropped;

    public NotificationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MetricNames.MeterName);
        _sent = meter.CreateCounter<long>(NotifyMetricNames.Notifications,
            description: "Notifications delivered to GitHub, Grafana or Gatus.");
        _failed = meter.CreateCounter<long>(NotifyMetricNames.NotificationFailures,
            description: "Notifications that failed; the reconcile they describe was not affected.");
        _dropped = meter.CreateCounter<long>(NotifyMetricNames.NotificationsDropped,
            description: "Notifications discarded because the notifier's queue was full (oldest first).");
    }

    /// <summary>
    /// Exports the delivered and failed counters at 0 for each notifier and kind: Prometheus's increase() cannot see the
    /// first notification (or failure) of a series that first appears at 1.
    /// </summary>
    public void Started(IEnumerable<string> notifiers)
    {
        foreach (var notifier in notifiers)
            foreach (var kind in NotificationKind.All)
            {
                _sent.Add(0, new("notifier", notifier), new("kind", kind));
                _failed.Add(0, new("notifier", notifier), new("kind", kind));
            }
    }

    public void Sent(string notifier, string kind) => _sent.Add(1, new("notifier", notifier), new("kind", kind));

    public void Failed(string notifier, string kind) => _failed.Add(1, new("notifier", notifier), new("kind", kind));

    public void Dropped(string notifier, string kind) => _dropped.Add(1, new("notifier", notifier), new("kind", kind));
}
