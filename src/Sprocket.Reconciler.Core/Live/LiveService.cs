using Sprocket.Reconciler.Core.Images;

namespace Sprocket.Reconciler.Core.Live;

/// <summary>What the Swarm says about one service, reduced to what the decision needs.</summary>
/// <param name="TaskError">While Swarm has paused or rolled back the service's update: Status.Err of the newest task
/// that failed or was rejected since that update started (e.g. "No such image: …"), the reason Swarm gave up.</param>
/// <param name="AppliedTag">The tag the reconciler's swarm engine recorded in the spec's labels when it last updated
/// the service (null when the spec carries none), so the applied state is read from the same listing.</param>
public sealed record LiveService(
    string Id,
    string Name,
    ImageReference Image,
    ImageReference? PreviousImage,
    LiveUpdateStatus? UpdateStatus,
    ulong VersionIndex,
    int RunningTasks = 0,
    int DesiredTasks = 0,
    string? TaskError = null,
    string? AppliedTag = null);

/// <summary>Swarm's UpdateStatus. <see cref="Origin"/> is known for rollbacks: the observer remembers the
/// message seen at <c>rollback_started</c>, because once complete both kinds read "rollback completed".</summary>
/// <param name="StateText">Swarm's own word for <paramref name="State"/>: shown as is, so an unknown state still reads as
/// Swarm wrote it.</param>
public sealed record LiveUpdateStatus(
    SwarmUpdateState State,
    string? Message,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    RollbackOrigin Origin = RollbackOrigin.Unknown,
    string? StateText = null)
{
    public string StateText { get; init; } = StateText ?? State.Spell();

    public bool IsRollback => State.IsRollback();

    /// <summary>Swarm stopped the update on a failed task (paused) or undid it: the moment a task error explains.</summary>
    public bool GaveUp => IsRollback || State == SwarmUpdateState.Paused;

    /// <summary>Swarm's message while a rollback runs: the CLI's <c>--rollback</c> writes "manually requested
    /// rollback"; the updater writes "update rolled back due to failure or early termination of task …".
    /// Both end as "rollback completed", so the origin must be read while the rollback is in progress.</summary>
    public static RollbackOrigin OriginFromMessage(string? message) => message switch
    {
        null => RollbackOrigin.Unknown,
        _ when message.StartsWith("manually requested rollback", StringComparison.OrdinalIgnoreCase) => RollbackOrigin.Manual,
        _ when message.StartsWith("update rolled back due to failure", StringComparison.OrdinalIgnoreCase) => RollbackOrigin.AfterFailedUpdate,
        _ => RollbackOrigin.Unknown,
    };
}

public enum RollbackOrigin { Unknown, Manual, AfterFailedUpdate }
