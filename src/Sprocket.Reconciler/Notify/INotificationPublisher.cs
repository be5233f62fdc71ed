namespace Sprocket.Reconciler.Notify;

/// <summary>What the loop sees of notifications: a place to drop a record. It never blocks and never throws.</summary>
public interface INotificationPublisher
{
    void Publish(ReconcileNotification notification);
}
