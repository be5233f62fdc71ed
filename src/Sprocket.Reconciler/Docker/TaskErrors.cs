using Docker.DotNet.Models;

namespace Sprocket.Reconciler.Docker;

/// <summary>Reads why Swarm gave up on an update from the service's tasks.</summary>
public static class TaskErrors
{
    /// <summary>
    /// Status.Err of the newest task that failed or was rejected at or after <paramref name="since"/> (the update's
    /// StartedAt; null: any time), or null when there is none. Earlier failures belong to older updates; a manual
    /// rollback of a healthy update fails no task, so it has none.
    /// </summary>
    public static string? NewestSince(IEnumerable<TaskResponse> tasks, DateTimeOffset? since) =>
        tasks
            .Where(task => task.Status is { State: TaskState.Failed or TaskState.Rejected, Err.Length: > 0 })
            .Select(task => (task.Status!.Err, At: SwarmTime.ToOffset(task.Status.Timestamp)))
            .Where(failure => since is null || failure.At >= since)
            .OrderByDescending(failure => failure.At ?? DateTimeOffset.MinValue)
            .Select(failure => failure.Err)
            .FirstOrDefault();
}
