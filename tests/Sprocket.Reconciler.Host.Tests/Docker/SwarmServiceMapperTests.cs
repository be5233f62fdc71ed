using Docker.DotNet.Models;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Host.Tests.Docker;

/// <summary>Swarm's update state is parsed once, where the Engine API's listing becomes the core's records.</summary>
public sealed class SwarmServiceMapperTests
{
    [Theory]
    [InlineData("updating", SwarmUpdateState.Updating)]
    [InlineData("paused", SwarmUpdateState.Paused)]
    [InlineData("completed", SwarmUpdateState.Completed)]
    [InlineData("rollback_started", SwarmUpdateState.RollbackStarted)]
    [InlineData("rollback_paused", SwarmUpdateState.RollbackPaused)]
    [InlineData("rollback_completed", SwarmUpdateState.RollbackCompleted)]
    [InlineData("rollback_exploded", SwarmUpdateState.Unknown)]
    public void The_update_state_is_typed_and_keeps_swarms_word(string state, SwarmUpdateState expected)
    {
        var status = Map(state)!.UpdateStatus!;

        Assert.Equal(expected, status.State);
        Assert.Equal(state, status.StateText);
    }

    [Fact]
    public void A_manual_rollback_in_progress_is_a_rollback_with_its_origin()
    {
        var status = Map("rollback_started", "manually requested rollback")!.UpdateStatus!;

        Assert.True(status.IsRollback);
        Assert.Equal(RollbackOrigin.Manual, status.Origin);
    }

    [Fact]
    public void No_update_state_is_no_update_status() => Assert.Null(Map("")!.UpdateStatus);

    private static LiveService? Map(string state, string? message = null) =>
        SwarmServiceMapper.Map(new SwarmService
        {
            ID = "id1",
            Spec = new ServiceSpec { Name = "prod-web-1", TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "ghcr.io/s/web:git-aaa1111" } } },
            UpdateStatus = new UpdateStatus { State = state, Message = message },
        }, new RollbackOriginMemory());
}
