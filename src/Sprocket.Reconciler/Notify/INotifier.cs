namespace Sprocket.Reconciler.Notify;

/// <summary>
/// One outside system told about reconciles. Each notifier gets its own queue and its own reader, so a slow or dead
/// endpoint only delays itself. Adding one is a new class registered as <see cref="INotifier"/>; the loop is untouched.
/// </summary>
public interface INotifier
{
    /// <summary>The <c>notifier</c> label of the counters (<c>github</c>, <c>grafana</c>, <c>gatus</c>).</summary>
    string Name { get; }

    /// <summary>Whether this notification means anything to this notifier; pure and cheap, called on the publisher's thread.</summary>
    bool Accepts(ReconcileNotification notification);

    /// <summary>Sends it; throws on any failure (the hub logs and counts it). Must honour its own request timeout.</summary>
    Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken);

    /// <summary>Removes this notifier's secrets from a text about to be logged (an exception message).</summary>
    string Redact(string text);
}
