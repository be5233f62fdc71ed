namespace Sprocket.Reconciler.Apply.Swarm;

internal enum ConvergencePhase
{
    /// <summary>Still rolling out (or not yet started): look again.</summary>
    Pending,
    /// <summary>Update completed (or nothing to roll out) and every desired task runs the pinned image.</summary>
    Converged,
    /// <summary>Swarm rolled our update back by itself (failure action <c>rollback</c>).</summary>
    RolledBack,
    /// <summary>The on-call rolled our update back while it ran (<c>docker service update --rollback</c>).</summary>
    RolledBackByOnCall,
    /// <summary>Swarm paused the update on a failed task (failure action <c>pause</c>).</summary>
    Paused,
    /// <summary>The service was removed while we waited.</summary>
    Removed,
    /// <summary>The engine answered a look with an error that is not an outage (a 4xx, say): waiting cannot help.</summary>
    LookFailed,
}

/// <summary>One look at a service while it converges.</summary>
/// <param name="UpdateState">Swarm's UpdateStatus.State in Swarm's own word (for messages), null when Swarm has no update status.</param>
/// <param name="TaskError">Status.Err of the newest failed or rejected task of the pinned image (why Swarm gave up).</param>
internal sealed record ConvergenceState(
    ConvergencePhase Phase,
    string? UpdateState,
    string? UpdateMessage,
    int RunningTasks,
    int DesiredTasks,
    string? TaskError)
{
    /// <summary>Why the newest look got no answer (transport failure, timeout, 5xx), while it stays unanswered.</summary>
    public string? LastLookError { get; init; }

    public bool IsFinal => Phase != ConvergencePhase.Pending;

    public static ConvergenceState Gone { get; } = new(ConvergencePhase.Removed, null, null, 0, 0, null);

    /// <summary>Not seen yet: the engine did not answer the first look.</summary>
    public static ConvergenceState Unanswered { get; } = new(ConvergencePhase.Pending, "unknown (engine not answering)", null, 0, 0, null);

    /// <summary>The engine answered a look with an error that waiting cannot cure.</summary>
    public static ConvergenceState LookFailedWith(string error) => new(ConvergencePhase.LookFailed, null, error, 0, 0, null);

    public string Describe() =>
        $"update state {UpdateState ?? "none"}, {RunningTasks}/{DesiredTasks} tasks running"
        + (TaskError is null ? "" : $", task error: {TaskError}")
        + (LastLookError is null ? "" : $", last look unanswered: {LastLookError}");
}
