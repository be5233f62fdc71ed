using Docker.DotNet.Models;
using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Host.Tests.Docker;

public sealed class TaskErrorsTests
{
    private static readonly DateTime UpdateStarted = new(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc);

    private static TaskResponse Failure(TaskState state, string err, DateTime at) =>
        new() { Status = new global::Docker.DotNet.Models.TaskStatus { State = state, Err = err, Timestamp = at } };

    [Fact]
    public void The_newest_failed_or_rejected_task_since_the_update_started_gives_the_error()
    {
        TaskResponse[] tasks =
        [
            Failure(TaskState.Failed, "from an older update", UpdateStarted.AddMinutes(-5)),
            Failure(TaskState.Rejected, "No such image: r/web:bbb", UpdateStarted.AddSeconds(2)),
            Failure(TaskState.Failed, "task: non-zero exit (1)", UpdateStarted.AddSeconds(1)),
            Failure(TaskState.Shutdown, "shut down later", UpdateStarted.AddSeconds(9)),
        ];

        Assert.Equal("No such image: r/web:bbb", TaskErrors.NewestSince(tasks, new DateTimeOffset(UpdateStarted)));
    }

    [Fact]
    public void Failures_older_than_the_update_are_not_its_error()
    {
        TaskResponse[] tasks = [Failure(TaskState.Failed, "from an older update", UpdateStarted.AddMinutes(-5))];

        Assert.Null(TaskErrors.NewestSince(tasks, new DateTimeOffset(UpdateStarted)));
        Assert.Equal("from an older update", TaskErrors.NewestSince(tasks, since: null));
    }
}
