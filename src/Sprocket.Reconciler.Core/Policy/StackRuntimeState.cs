namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// What the daemon remembers about a stack between evaluations and across restarts (persisted by the shell):
/// holds, the failure count behind backoff and the circuit, tags Swarm refused, and the desired tag last seen,
/// so a new commit naming a different tag can clear all of it — humans decide through git.
/// </summary>
/// <param name="NotBefore">The earliest next automatic apply (backoff after a failure, a retry after a lock).</param>
/// <param name="RefusedTag">A tag Swarm rolled back after our update: never applied again until git names another.</param>
/// <param name="RollbackSeen">The rollback now visible in Swarm and whether it has been answered.</param>
/// <param name="Incident">The emergency rollback being re-aligned (<c>onEmergencyRollback: realign</c>), kept until
/// git and the engine's state match what runs, or a forward fix replaces it.</param>
/// <param name="LastSyncedAt">When the stack was last seen synced, as it stopped being synced (the shell keeps it, so a
/// restart while the stack is stuck still reports how long ago it was synced).</param>
/// <param name="RegistryRetries">Pre-flights in a row that could not reach the registry: their own backoff, apart from
/// <see cref="ConsecutiveFailures"/>, because nothing was applied and the circuit counts only applies that failed.</param>
/// <param name="LastFailedAt">When the last failed apply ended: an open circuit half-opens one cool-down after it.</param>
public sealed record StackRuntimeState(
    string? DesiredTagSeen,
    StackHold? Hold,
    int ConsecutiveFailures,
    DateTimeOffset? NotBefore,
    string? LastFailure,
    string? RefusedTag,
    RollbackSeen? RollbackSeen = null,
    RollbackIncident? Incident = null,
    DateTimeOffset? LastSyncedAt = null,
    int RegistryRetries = 0,
    DateTimeOffset? LastFailedAt = null)
{
    public static StackRuntimeState Initial { get; } = new(null, null, 0, null, null, null);

    public bool CircuitOpen(int maxConsecutiveFailures) => ConsecutiveFailures >= maxConsecutiveFailures;

    /// <summary>An open circuit lets one trial apply through once <paramref name="coolDown"/> has passed since the last
    /// failure: it closes on success, and a failure re-opens it for another cool-down.</summary>
    public bool CircuitHalfOpen(int maxConsecutiveFailures, TimeSpan coolDown, DateTimeOffset now) =>
        CircuitOpen(maxConsecutiveFailures) && LastFailedAt is { } failedAt && now >= failedAt + coolDown;
}

/// <summary>Why a stack is held and since when. <paramref name="Manual"/>: put by a human through the API.</summary>
public sealed record StackHold(HoldReason Reason, string Message, DateTimeOffset Since, bool Manual = false);
