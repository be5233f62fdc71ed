using Docker.DotNet.Models;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Swarm;

namespace Sprocket.Reconciler.Host.Tests.Apply.Swarm;

/// <summary>The pure verdict over one inspect and one task list, case by case (the Swarm tests cover the real sequences).</summary>
public sealed class ConvergenceCheckTests
{
    private const string Repository = "127.0.0.1:5555/sprocketbot/web";
    private const string NewDigest = "sha256:e352a0f9bac5b52940b48a3b84ccacca0a7afd1f15fb4f470ebe7feea810f396";
    private const string OldDigest = "sha256:98cf07357bb354e09dfe72d1feb16721b0177a679ea1eb69ed8801e33f6928e9";
    private static readonly PinnedImage Pinned = new("web", "id1", Repository, "git-bbb2222", NewDigest);
    private static readonly string NewImage = Pinned.Reference;
    private static readonly string OldImage = $"{Repository}:git-aaa1111@{OldDigest}";

    [Theory]
    [InlineData(null)]
    [InlineData("completed")]
    public void Converged_once_the_update_is_done_and_every_replica_runs_the_pinned_digest(string? state)
    {
        var verdict = ConvergenceCheck.Evaluate(Service(NewImage, state, replicas: 2), [Task(NewImage, TaskState.Running), Task(NewImage, TaskState.Running)], Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.Converged, verdict.Phase);
        Assert.Equal((2, 2), (verdict.RunningTasks, verdict.DesiredTasks));
    }

    [Fact]
    public void Pending_while_Swarm_is_still_updating_even_when_the_task_already_runs()
    {
        var verdict = ConvergenceCheck.Evaluate(Service(NewImage, "updating"), [Task(NewImage, TaskState.Running)], Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.Pending, verdict.Phase);
    }

    [Fact]
    public void Pending_while_only_the_old_image_runs()
    {
        var verdict = ConvergenceCheck.Evaluate(Service(NewImage, null), [Task(OldImage, TaskState.Running), Task(NewImage, TaskState.Preparing)], Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.Pending, verdict.Phase);
        Assert.Equal(0, verdict.RunningTasks);
    }

    [Fact]
    public void A_service_scaled_to_zero_converges_at_once()
    {
        var verdict = ConvergenceCheck.Evaluate(Service(NewImage, null, replicas: 0), [], Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.Converged, verdict.Phase);
    }

    [Theory]
    [InlineData("rollback_started")]
    [InlineData("rollback_completed")]
    [InlineData("rollback_paused")]
    public void Any_rollback_after_our_update_is_RolledBack_with_the_newest_error_of_the_pinned_image(string state)
    {
        var tasks = new[]
        {
            Task(NewImage, TaskState.Failed, "first failure", at: 1),
            Task(NewImage, TaskState.Failed, "task: non-zero exit (1)", at: 2),
            Task(OldImage, TaskState.Failed, "an old failure of another image", at: 3),
            Task(OldImage, TaskState.Running),
        };

        var verdict = ConvergenceCheck.Evaluate(Service(OldImage, state), tasks, Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.RolledBack, verdict.Phase);
        Assert.Equal("task: non-zero exit (1)", verdict.TaskError);
    }

    [Theory]
    [InlineData("rollback_started", "manually requested rollback", false)]
    [InlineData("rollback_completed", "rollback completed", true)]
    [InlineData("rollback_paused", "manually requested rollback", true)]
    public void The_on_calls_rollback_of_our_running_update_is_RolledBackByOnCall(string state, string message, bool previousIsOurs)
    {
        // Swarm's message names the on-call while the rollback runs; once complete, PreviousSpec still holds our image
        // (Swarm's own rollback after a failure clears it).
        var service = Service(OldImage, state);
        service.UpdateStatus!.Message = message;
        service.PreviousSpec = previousIsOurs ? new ServiceSpec { TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = NewImage } } } : null!;

        var verdict = ConvergenceCheck.Evaluate(service, [Task(OldImage, TaskState.Running)], Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.RolledBackByOnCall, verdict.Phase);
    }

    [Fact]
    public void Swarms_own_rollback_after_a_failure_stays_RolledBack_even_with_a_previous_spec_left()
    {
        var service = Service(OldImage, "rollback_started");
        service.UpdateStatus!.Message = "update rolled back due to failure or early termination of task abc";
        service.PreviousSpec = new ServiceSpec { TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = NewImage } } };

        var verdict = ConvergenceCheck.Evaluate(service, [Task(OldImage, TaskState.Running)], Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.RolledBack, verdict.Phase);
    }

    [Fact]
    public void A_paused_update_is_Paused_with_a_rejected_pull_as_the_error()
    {
        var verdict = ConvergenceCheck.Evaluate(Service(NewImage, "paused"), [Task(NewImage, TaskState.Rejected, $"No such image: {NewImage}")], Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.Paused, verdict.Phase);
        Assert.Equal($"No such image: {NewImage}", verdict.TaskError);
    }

    [Fact]
    public void A_service_that_already_ran_the_digest_after_an_old_rollback_is_converged_not_rolled_back()
    {
        var verdict = ConvergenceCheck.Evaluate(Service(NewImage, "rollback_completed"), [Task(NewImage, TaskState.Running)], Pinned, updatedByUs: false);

        Assert.Equal(ConvergencePhase.Converged, verdict.Phase);
    }

    [Fact]
    public void Same_digest_under_another_tag_counts_as_the_pinned_image()
    {
        var retagged = $"{Repository}:git-ccc3333@{NewDigest}";

        var verdict = ConvergenceCheck.Evaluate(Service(retagged, "completed"), [Task(retagged, TaskState.Running)], Pinned, updatedByUs: false);

        Assert.Equal(ConvergencePhase.Converged, verdict.Phase);
    }

    [Fact]
    public void A_global_service_wants_one_task_per_node_Swarm_schedules()
    {
        var service = Service(NewImage, "completed");
        service.Spec!.Mode = new ServiceMode { Global = new GlobalService() };
        var tasks = new[] { Task(NewImage, TaskState.Running, node: "n1"), Task(NewImage, TaskState.Starting, node: "n2") };

        var verdict = ConvergenceCheck.Evaluate(service, tasks, Pinned, updatedByUs: true);

        Assert.Equal(ConvergencePhase.Pending, verdict.Phase);
        Assert.Equal((1, 2), (verdict.RunningTasks, verdict.DesiredTasks));
    }

    private static SwarmService Service(string image, string? updateState, ulong replicas = 1) => new()
    {
        ID = "id1",
        Spec = new ServiceSpec
        {
            Name = "web",
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = replicas } },
            TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = image } },
        },
        UpdateStatus = updateState is null ? null! : new UpdateStatus { State = updateState, Message = "message for " + updateState },
    };

    private static TaskResponse Task(string image, TaskState state, string? error = null, int at = 0, string node = "n1") => new()
    {
        ServiceID = "id1",
        NodeID = node,
        DesiredState = state is TaskState.Running or TaskState.Preparing or TaskState.Starting ? TaskState.Running : TaskState.Shutdown,
        Spec = new TaskSpec { ContainerSpec = new ContainerSpec { Image = image } },
        Status = new global::Docker.DotNet.Models.TaskStatus { State = state, Err = error!, Timestamp = new DateTime(2026, 1, 1, 0, 0, at, DateTimeKind.Utc) },
    };
}
