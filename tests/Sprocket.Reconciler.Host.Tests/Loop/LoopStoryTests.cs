using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>Whole stories through the real loop, with the outside world faked: each runs in milliseconds.</summary>
public sealed class LoopStoryTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task A_commit_naming_a_new_tag_is_applied_once_and_the_stack_ends_synced()
    {
        await using var daemon = await RunningAsync(Aaa);

        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();

        Assert.Equal([Bbb], _world.Engine.Applies.Select(a => a.Tag));
        Assert.Equal(World.Image(Bbb), _world.Swarm.Service(Service).Image.ToString());
        Assert.Equal((StackStatus.Synced, false), (daemon.Control(Stack).Status, daemon.Control(Stack).Applying));
    }

    [Fact]
    public async Task An_emergency_rollback_is_held_through_stabilization_then_written_back_and_aligned()
    {
        await using var daemon = await RunningAsync(Aaa);
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();

        _world.Swarm.RollBack(Service);
        await daemon.EventAsync(Service);

        var held = daemon.Control(Stack);
        Assert.Equal(StackStatus.Held, held.Status);
        Assert.Equal((HoldReason.EmergencyRollback, Bbb, Aaa), (held.State.Hold?.Reason, held.State.Incident?.BadTag, held.State.Incident?.GoodTag));
        Assert.Single(_world.Engine.Applies);
        Assert.Empty(_world.WriteBack.Written);

        await daemon.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Empty(_world.WriteBack.Written);

        await daemon.AdvanceAsync(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        var written = Assert.Single(_world.WriteBack.Written);
        Assert.Equal((Bbb, Aaa), (written.BadTag, written.GoodTag));
        Assert.Contains($"imageTag: {Aaa}", _world.Git.Yaml, StringComparison.Ordinal);
        // The write-back's commit is fetched at once, git names what runs, and the engine's state is aligned: no deploy.
        Assert.Equal([(Bbb, ApplyMode.Deploy), (Aaa, ApplyMode.Align)], _world.Engine.Applies.Select(a => (a.Tag, a.Mode)));
        var aligned = daemon.Control(Stack);
        Assert.Equal(StackStatus.Synced, aligned.Status);
        Assert.Null(aligned.State.Incident);
        Assert.Null(aligned.State.Hold);
        Assert.Equal(World.Image(Aaa), _world.Swarm.Service(Service).Image.ToString());
    }

    [Fact]
    public async Task A_hold_survives_a_restart_and_ends_when_git_names_another_tag()
    {
        var daemon = await RunningAsync(Aaa);
        var hold = new Sprocket.Reconciler.Reconcile.HoldRequested(Stack, "api");
        daemon.Inbox.Post(hold);
        await daemon.SettleAsync();
        Assert.True(hold.Done.Task.IsCompletedSuccessfully);

        daemon = await daemon.RestartAsync();
        await using (daemon)
        {
            await daemon.PollAsync();
            Assert.Equal(StackStatus.Held, daemon.Control(Stack).Status);

            _world.Git.Commit(World.Yaml(Stack, Bbb));
            await daemon.PollAsync();

            Assert.Equal([Bbb], _world.Engine.Applies.Select(a => a.Tag));
            Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
            Assert.Null(daemon.Persisted(Stack).Hold);
        }
    }

    [Fact]
    public async Task A_poll_of_an_unchanged_revision_lists_nothing_and_an_event_lists_once()
    {
        await using var daemon = await RunningAsync(Aaa);
        var listings = _world.Swarm.Listings;

        await daemon.PollAsync();
        await daemon.PollAsync();
        Assert.Equal(listings, _world.Swarm.Listings);

        await daemon.EventAsync(Service);
        Assert.Equal(listings + 1, _world.Swarm.Listings);
    }

    [Fact]
    public async Task The_periodic_resync_looks_at_everything_without_any_event()
    {
        await using var daemon = await RunningAsync(Aaa);
        var listings = _world.Swarm.Listings;

        await daemon.AdvanceAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(listings + 1, _world.Swarm.Listings);
        Assert.Equal(Sprocket.Reconciler.Reconcile.ReconcileTrigger.Resync, daemon.Control(Stack).LastReconcile?.Trigger);
    }

    /// <summary>Git names git-aaa1111, which runs: the daemon started and settled on a synced stack.</summary>
    private Task<LoopHarness> RunningAsync(string tag) => LoopHarness.StartSyncedAsync(_world, Stack, Service, tag);

    public void Dispose() => _world.Dispose();
}
