namespace Sprocket.Reconciler.Core.Policy;

/// <summary>What the loop should do for one stack now, and the state to remember afterwards.</summary>
/// <param name="Status">The stack status to publish (overrides the observed one when held or failed).</param>
/// <param name="RetryAt">When a blocked action should be tried again (backoff, sync window); null when nothing waits.</param>
public sealed record ReconcileDecision(
    ReconcileAction Action,
    string Status,
    string Message,
    StackRuntimeState State,
    DateTimeOffset? RetryAt = null);

public enum ReconcileAction
{
    /// <summary>Nothing to do: synced, or observing only.</summary>
    None,
    /// <summary>Put the desired tag in place.</summary>
    Apply,
    /// <summary>Would apply, but must wait: backoff, or outside a sync window.</summary>
    Wait,
}
