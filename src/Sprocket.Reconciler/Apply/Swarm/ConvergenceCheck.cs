using Docker.DotNet.Models;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>
/// Decides from one inspect and one task list whether a service has converged on a pinned image. Pure: the waiter
/// does the polling.
/// </summary>
internal static class ConvergenceCheck
{
    /// <param name="updatedByUs">
    /// True when this apply sent the ServiceUpdate. Swarm resets UpdateStatus to none when a spec changes, so any
    /// status seen afterwards belongs to our update, and a rollback then means Swarm (or the on-call) undid it.
    /// False when the service already named the pinned image: its status may come from an older update or rollback
    /// that ended on this very image, which is fine.
    /// </param>
    public static ConvergenceState Evaluate(SwarmService service, IReadOnlyCollection<TaskResponse> tasks, PinnedImage pinned, bool updatedByUs)
    {
        var stateText = service.UpdateStatus?.State;
        var state = SwarmUpdateStates.Parse(stateText);
        var message = service.UpdateStatus?.Message;
        var desired = DesiredTasks(service, tasks);
        var running = tasks.Count(task =>
            task.DesiredState == TaskState.Running
            && task.Status?.State == TaskState.Running
            && SpecImage.Runs(task.Spec?.ContainerSpec?.Image, pinned));
        var taskError = NewestTaskError(tasks, pinned);

        ConvergencePhase phase;
        if (updatedByUs && state is SwarmUpdateState.RollbackStarted or SwarmUpdateState.RollbackCompleted or SwarmUpdateState.RollbackPaused)
            phase = RolledBackByOnCall(service, message, pinned) ? ConvergencePhase.RolledBackByOnCall : ConvergencePhase.RolledBack;
        else if (state is SwarmUpdateState.Paused or SwarmUpdateState.RollbackPaused)
            phase = ConvergencePhase.Paused;
        else if (state is null or SwarmUpdateState.Completed or SwarmUpdateState.RollbackCompleted
                 && SpecImage.Runs(service.Spec?.TaskTemplate?.ContainerSpec?.Image, pinned)
                 && running >= desired)
            phase = ConvergencePhase.Converged;
        else
            phase = ConvergencePhase.Pending;

        return new ConvergenceState(phase, stateText, message, running, desired, taskError);
    }

    /// <summary>
    /// Who undid our update. Swarm's message says it while the rollback runs ("manually requested rollback" for the CLI's
    /// <c>--rollback</c>, "update rolled back due to failure…" for the updater); once complete both read "rollback
    /// completed", and the spec still tells: Swarm's own rollback clears PreviousSpec, the on-call's keeps our image
    /// there. The events cannot tell: both show <c>updatestate.old: updating</c> when our update was still running.
    /// </summary>
    private static bool RolledBackByOnCall(SwarmService service, string? message, PinnedImage pinned) =>
        LiveUpdateStatus.OriginFromMessage(message) switch
        {
            RollbackOrigin.Manual => true,
            RollbackOrigin.AfterFailedUpdate => false,
            _ => SpecImage.Runs(service.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image, pinned),
        };

    /// <summary>Replicated: the replica count. Global: one task per eligible node, which Swarm expresses as the tasks
    /// it wants running.</summary>
    private static int DesiredTasks(SwarmService service, IReadOnlyCollection<TaskResponse> tasks)
    {
        if (service.Spec?.Mode?.Replicated is { } replicated) return (int)(replicated.Replicas ?? 1);
        return tasks.Where(task => task.DesiredState == TaskState.Running).Select(task => task.NodeID).Distinct(StringComparer.Ordinal).Count();
    }

    private static string? NewestTaskError(IEnumerable<TaskResponse> tasks, PinnedImage pinned) =>
        tasks
            .Where(task => task.Status is { State: TaskState.Failed or TaskState.Rejected, Err.Length: > 0 }
                           && SpecImage.Runs(task.Spec?.ContainerSpec?.Image, pinned))
            .OrderByDescending(task => task.Status!.Timestamp ?? DateTime.MinValue)
            .Select(task => task.Status!.Err)
            .FirstOrDefault();
}
