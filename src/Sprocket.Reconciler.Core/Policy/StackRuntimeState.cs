namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// What the daemon remembers about a stack between evaluations and across restarts (persisted by the shell):
/// holds, the failure count behind backoff and the circuit, tags Swarm refused, and the desired tag last seen,
/// so a new commit naming a different tag can clear all of it — humans decide through git.
/// </summary>
/// <param name="NotBefore">The earliest next automatic apply (backoff after a failure, a retry after a lock).</param>
/// <param name="RefusedTag">A tag Swarm rolled back after our update: never applied again until git names another.</param>
/// <param name="RollbackSeenForTag">The desired tag when the rollback now visible in Swarm was first seen. Swarm keeps
/// saying "rollback_completed" until the next update; once git names another tag, that rollback has been answered.</param>
/// <param name="Incident">The emergency rollback being re-aligned (<c>onEmergencyRollback: realign</c>), kept until
/// git and the engine's state match what runs, or a forward fix replaces it.</param>
public sealed record StackRuntimeState(
    string? DesiredTagSeen,
    StackHold? Hold,
    int ConsecutiveFailures,
    DateTimeOffset? NotBefore,
    string? LastFailure,
    string? RefusedTag,
    string? RollbackSeenForTag = null,
    RollbackIncident? Incident = null)
{
    public static StackRuntimeState Initial { get; } = new(null, null, 0, null, null, null);

    public bool CircuitOpen(int maxConsecutiveFailures) => ConsecutiveFailures >= maxConsecutiveFailures;
}

/// <summary>Why a stack is held and since when. <paramref name="Manual"/>: put by a human through the API.</summary>
public sealed record StackHold(string Reason, string Message, DateTimeOffset Since, bool Manual = false);

/// <summary>Hold reasons, as shown in the API and logs.</summary>
public static class HoldReason
{
    public const string Manual = "manual";
    public const string EmergencyRollback = "emergency-rollback";
    public const string FailedUpdateRollback = "failed-update-rollback";
    public const string Drift = "drift";
}
