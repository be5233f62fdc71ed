namespace Sprocket.Reconciler.Core.Policy;

/// <summary>How an apply ended; the policy remembers each kind differently (see <see cref="ReconcilePolicy.AfterApply"/>).</summary>
public enum ApplyOutcome
{
    /// <summary>Every service runs the pinned digest and converged.</summary>
    Succeeded,
    /// <summary>Failed for a reason worth retrying with backoff (engine error, timeout, mid-update failure).</summary>
    Failed,
    /// <summary>Swarm rolled our update back (a task failed): hold, never retry this tag until git names another.</summary>
    RolledBack,
    /// <summary>The on-call engineer rolled our update back while it rolled out (<c>docker service update --rollback</c>,
    /// Swarm's "manually requested rollback"): their decision, not a failure of the tag. Nothing is refused or counted as
    /// a failure here; the next observation sees an emergency rollback and <c>onEmergencyRollback</c> answers it.</summary>
    RolledBackByOnCall,
    /// <summary>Someone else holds the stack (a Pulumi lock): retry later, not a failure of ours.</summary>
    Locked,
    /// <summary>Cannot work until a human changes something (stack not found, auth, bad program): no retry loop.</summary>
    Misconfigured,
    /// <summary>Stopped because the daemon is shutting down.</summary>
    Cancelled,
    /// <summary>The pre-flight could not reach the registry (refused, timeout, 5xx, 429): nothing was applied, so it is
    /// retried with its own short backoff and never counts toward the circuit — a passing registry blip is not a page.</summary>
    RegistryUnavailable,
}
