using Sprocket.Reconciler.Core.Drift;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>What the loop should do for one stack now, and the state to remember afterwards.</summary>
/// <param name="Status">The stack status to publish (overrides the observed one when held or failed).</param>
/// <param name="RetryAt">When to look again (backoff, sync window, end of stabilization); null when nothing waits.</param>
public sealed record ReconcileDecision(
    ReconcileAction Action,
    StackStatus Status,
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
    /// <summary>The emergency rollback is stable: write the live tag back to git (commit or pull request).</summary>
    WriteBack,
    /// <summary>Git names what runs again after a rollback: record it in the engine's state (pulumi: config set + up --refresh).</summary>
    Align,
}
