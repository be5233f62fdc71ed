using Sprocket.Reconciler.Core.Drift;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// A restart finds what the timeline already tells (a drift still there, the same revision still refused) and must not
/// tell it again; and a timeline that fails while the first pass after a start works out its entries costs the loop nothing.
/// </summary>
public sealed class TimelineRestartTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private const string Ccc = "git-ccc3333";
    private readonly World _world = new();

    [Fact]
    public async Task A_drift_left_alone_is_seen_once_across_restarts_and_a_new_drift_after_sync_is_seen_again()
    {
        var daemon = await RunningAsync(World.Yaml(Stack, Aaa, onDrift: "alert"), Aaa);
        _world.Swarm.Update(Service, World.Image(Bbb));
        await daemon.EventAsync(Service);
        Assert.Equal(StackStatus.Drifted, daemon.Control(Stack).Status);
        Assert.Equal(["drift-seen"], Kinds(daemon));

        daemon = await daemon.RestartAsync();
        await daemon.PollAsync();
        daemon = await daemon.RestartAsync();
        await daemon.PollAsync();
        Assert.Equal(StackStatus.Drifted, daemon.Control(Stack).Status);
        Assert.Equal(["drift-seen"], Kinds(daemon));

        // Undone by hand, then done again: a new drift, even with the same tags.
        _world.Swarm.Update(Service, World.Image(Aaa));
        await daemon.EventAsync(Service);
        _world.Swarm.Update(Service, World.Image(Bbb));
        await daemon.EventAsync(Service);
        daemon = await daemon.RestartAsync();
        await using (daemon)
        {
            await daemon.PollAsync();
            Assert.Equal(["drift-seen", "synced", "drift-seen"], Kinds(daemon));
        }
    }

    [Fact]
    public async Task A_revision_still_refused_after_a_restart_is_not_refused_again_but_a_new_refused_revision_is()
    {
        var daemon = await RunningAsync(World.Yaml(Stack, Aaa), Aaa);
        _world.Registry.Missing[Bbb] = 0;
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        Assert.Equal(StackStatus.Invalid, daemon.Control(Stack).Status);
        Assert.Equal(["desired-rejected"], Kinds(daemon));

        daemon = await daemon.RestartAsync();
        await daemon.PollAsync();
        Assert.Equal(StackStatus.Invalid, daemon.Control(Stack).Status);
        Assert.Equal(["desired-rejected"], Kinds(daemon));

        // Another commit, refused too, found by the first pass after a restart: news.
        daemon = await daemon.RestartAsync();
        _world.Registry.Missing[Ccc] = 0;
        _world.Git.Commit(World.Yaml(Stack, Ccc));
        await using (daemon)
        {
            await daemon.PollAsync();
            Assert.Equal(["desired-rejected", "desired-rejected"], Kinds(daemon));
            Assert.Equal(Ccc, daemon.Timeline(Stack)[^1].Tag);
        }
    }

    [Fact]
    public async Task A_timeline_that_cannot_be_read_or_written_after_a_start_still_lets_the_stack_apply()
    {
        var daemon = await RunningAsync(World.Yaml(Stack, Aaa), Aaa);
        daemon.Sql("DROP TABLE stack_events;");
        _world.Git.Commit(World.Yaml(Stack, Bbb));

        // The first pass after the start reads what the timeline last said, between recording the apply and starting it.
        daemon = await daemon.RestartAsync();
        await using (daemon)
        {
            await daemon.PollAsync();

            Assert.Equal([Bbb], _world.Engine.Applies.Select(a => a.Tag));
            Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
            Assert.Contains(daemon.Logs.GetSnapshot(), r => r.Id.Id == 3009);
        }
    }

    private static IReadOnlyList<string> Kinds(LoopHarness daemon) => [.. daemon.Timeline(Stack).Select(e => e.Kind)];

    private async Task<LoopHarness> RunningAsync(string yaml, string tag)
    {
        var daemon = await LoopHarness.StartSyncedAsync(_world, Stack, Service, tag, yaml);
        Assert.Empty(daemon.Timeline(Stack));
        return daemon;
    }

    public void Dispose() => _world.Dispose();
}
