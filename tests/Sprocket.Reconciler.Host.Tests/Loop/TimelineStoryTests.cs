using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>The stack timeline the loop writes, read back from SQLite, for whole stories.</summary>
public sealed class TimelineStoryTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task A_rollback_held_written_back_and_aligned_reads_as_one_timeline()
    {
        await using var daemon = await RunningAsync(Aaa);
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        var deployRevision = _world.Git.Revision;

        _world.Swarm.RollBack(Service);
        await daemon.EventAsync(Service);
        await daemon.AdvanceAsync(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);

        var timeline = daemon.Timeline(Stack);
        Assert.Equal(
        [
            "apply-started", "apply-succeeded", "synced",
            "emergency-rollback", "stabilization-started", "write-back-commit",
            "resume", "apply-started", "apply-succeeded", "aligned", "synced",
        ], timeline.Select(e => e.Kind));

        var rollback = timeline.Single(e => e.Kind == "emergency-rollback");
        Assert.Equal((Aaa, Bbb, deployRevision), (rollback.Tag, rollback.PreviousTag, rollback.Revision));
        var stabilization = timeline.Single(e => e.Kind == "stabilization-started");
        Assert.Contains("written back to git at 2026-11-30 09:02:00Z", stabilization.Message, StringComparison.Ordinal);
        var written = timeline.Single(e => e.Kind == "write-back-commit");
        Assert.Equal((Aaa, Bbb, _world.Git.Revision), (written.Tag, written.PreviousTag, written.Revision));
        var resumed = timeline.Single(e => e.Kind == "resume");
        Assert.StartsWith($"git names {Aaa} now", resumed.Message, StringComparison.Ordinal);
        Assert.Equal(Aaa, timeline.Single(e => e.Kind == "aligned").Tag);
        Assert.True(timeline.Zip(timeline.Skip(1)).All(p => p.First.At <= p.Second.At && p.First.Id < p.Second.Id));
    }

    [Fact]
    public async Task Passes_that_change_nothing_add_nothing_and_a_restart_repeats_nothing()
    {
        var daemon = await RunningAsync(Aaa);
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        var count = daemon.Timeline(Stack).Count;

        await daemon.EventAsync(Service);
        await daemon.AdvanceAsync(TimeSpan.FromMinutes(5));
        await daemon.PollAsync();
        Assert.Equal(count, daemon.Timeline(Stack).Count);

        daemon = await daemon.RestartAsync();
        await using (daemon)
        {
            await daemon.PollAsync();
            Assert.Equal(count, daemon.Timeline(Stack).Count);
        }
    }

    [Fact]
    public async Task A_hold_and_a_resume_through_the_api_are_on_the_timeline()
    {
        await using var daemon = await RunningAsync(Aaa);

        daemon.Inbox.Post(new HoldRequested(Stack, "alice"));
        await daemon.SettleAsync();
        daemon.Inbox.Post(new ResumeRequested(Stack));
        await daemon.SettleAsync();

        var timeline = daemon.Timeline(Stack);
        // The pass the resume asks for finds the stack as it was: in sync.
        Assert.Equal(["hold", "resume", "synced"], timeline.Select(e => e.Kind));
        Assert.Contains("alice", timeline[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("resumed through the API", timeline[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_applies_back_off_then_open_the_circuit_and_a_resume_closes_it()
    {
        await using var daemon = await RunningAsync(Aaa);
        _world.Engine.FailuresLeft[Stack] = 3;

        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        // Backoff: 2 s after the first failure, 6 s after the second.
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(3));
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(7));
        Assert.Equal(3, _world.Engine.Applies.Count);
        Assert.Equal(StackStatus.Failed, daemon.Control(Stack).Status);

        daemon.Inbox.Post(new ResumeRequested(Stack));
        await daemon.SettleAsync();

        var timeline = daemon.Timeline(Stack);
        Assert.Equal(
        [
            "apply-started", "apply-failed", "apply-started", "apply-failed", "apply-started", "apply-failed", "circuit-open",
            "resume", "apply-started", "apply-succeeded", "synced",
        ], timeline.Select(e => e.Kind));
        Assert.Contains("failed after", timeline[1].Message, StringComparison.Ordinal);
        Assert.Contains("the fake engine failed as told", timeline[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("circuit open after 3 failed applies", timeline[6].Message, StringComparison.Ordinal);
        Assert.Equal("resumed through the API (circuit closed after 3 failed applies)", timeline[7].Message);
    }

    [Fact]
    public async Task A_change_by_hand_is_drift_seen_once_then_reverted()
    {
        await using var daemon = await RunningAsync(Aaa);

        _world.Swarm.Update(Service, World.Image(Bbb));
        await daemon.EventAsync(Service);
        await daemon.EventAsync(Service);

        var timeline = daemon.Timeline(Stack);
        Assert.Equal(["drift-seen", "apply-started", "apply-succeeded", "synced"], timeline.Select(e => e.Kind));
        Assert.Equal((Bbb, Aaa), (timeline[0].Tag, timeline[0].PreviousTag));
        Assert.Contains("manual-change", timeline[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeline_that_cannot_be_written_is_logged_and_the_loop_goes_on()
    {
        await using var daemon = await RunningAsync(Aaa);
        daemon.Sql("DROP TABLE stack_events;");

        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();

        Assert.Equal([Bbb], _world.Engine.Applies.Select(a => a.Tag));
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
        Assert.Contains(daemon.Logs.GetSnapshot(), r => r.Id.Id == 3008 && r.Message.Contains("apply-started", StringComparison.Ordinal));
    }

    /// <summary>Git names <paramref name="tag"/>, which runs: the daemon started and settled on a synced stack.</summary>
    private async Task<LoopHarness> RunningAsync(string tag)
    {
        var daemon = await LoopHarness.StartSyncedAsync(_world, Stack, Service, tag);
        Assert.Empty(daemon.Timeline(Stack));
        return daemon;
    }

    public void Dispose() => _world.Dispose();
}
