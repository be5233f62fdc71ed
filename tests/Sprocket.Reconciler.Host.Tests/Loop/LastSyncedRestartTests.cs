using Sprocket.Reconciler.Core.Drift;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// The stored last-sync time stays fresh while a stack stays synced (written at most once per resync interval): a stack
/// that stops being synced while the agent is down is, after the restart, reported synced until about the departure of
/// the agent — not since an older drift, which would make the not-synced alert fire at once with a wrong age.
/// </summary>
public sealed class LastSyncedRestartTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private static readonly TimeSpan ResyncInterval = TimeSpan.FromMinutes(5);
    private readonly World _world = new();

    [Fact]
    public async Task A_stack_that_drifted_while_the_agent_was_down_reports_a_recent_last_sync_after_the_restart()
    {
        _world.Swarm.Add(Service, World.Image(Aaa));
        _world.Git.Commit(World.Yaml(Stack, Aaa, onDrift: "alert"));
        var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();

        // An older departure: drifted, then undone, so a last-sync time was stored then.
        _world.Swarm.Update(Service, World.Image(Bbb));
        await daemon.EventAsync(Service);
        var oldDeparture = daemon.Persisted(Stack).LastSyncedAt;
        Assert.NotNull(oldDeparture);
        _world.Swarm.Update(Service, World.Image(Aaa));
        await daemon.EventAsync(Service);
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);

        // Synced for hours, looked at by the resync.
        for (var i = 0; i < 36; i++) await daemon.AdvanceAsync(ResyncInterval);
        var leftAt = _world.Time.GetUtcNow();
        Assert.True(daemon.Persisted(Stack).LastSyncedAt >= leftAt - ResyncInterval);

        // Gone (what its timers post is never handled); the stack drifts meanwhile; back half an hour later.
        _world.Time.Advance(TimeSpan.FromMinutes(30));
        _world.Swarm.Update(Service, World.Image(Bbb));
        daemon = await daemon.RestartAsync();
        await using (daemon)
        {
            await daemon.PollAsync();
            var control = daemon.Control(Stack);
            Assert.Equal(StackStatus.Drifted, control.Status);
            Assert.NotNull(control.LastSyncedAt);
            Assert.InRange(control.LastSyncedAt!.Value, leftAt - ResyncInterval, leftAt);
        }
    }

    public void Dispose() => _world.Dispose();
}
