using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// The two lost updates of the design where the API thread and apply callbacks wrote stack state beside the loop: each
/// interleaving is forced here, step by step. With one owner, a message that arrives mid-pass waits for the pass and
/// is then applied on top of it — never under it.
/// </summary>
public sealed class LostUpdateTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private readonly World _world = new();

    [Fact]
    public async Task A_hold_that_arrives_while_a_pass_decides_is_kept_stored_and_published()
    {
        await using var daemon = await RunningAsync();
        var listing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world.Swarm.Gate = listing;

        // A pass starts and stops inside its listing, i.e. after it read the stack's state and before it records a decision.
        var pass = daemon.Loop.HandleAsync([new EvaluationRequest(ReconcileTrigger.Event, "id-" + Service)], acting: true, CancellationToken.None);
        await _world.Swarm.ListingWaits.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var hold = new HoldRequested(Stack, "on-call");
        daemon.Inbox.Post(hold);
        _world.Swarm.Gate = null;
        listing.SetResult();
        await pass;
        await daemon.SettleAsync();

        Assert.True(hold.Done.Task.IsCompletedSuccessfully);
        Assert.Equal(HoldReason.Manual, daemon.Persisted(Stack).Hold?.Reason);
        Assert.Equal((StackStatus.Held, HoldReason.Manual), (daemon.Control(Stack).Status, daemon.Control(Stack).State.Hold?.Reason));

        // And it holds: a new tag's apply... would be the human's answer, but a mere event must not apply anything.
        await daemon.EventAsync(Service);
        Assert.Equal(StackStatus.Held, daemon.Control(Stack).Status);
    }

    [Fact]
    public async Task After_an_apply_that_ends_at_once_nothing_is_left_in_flight_or_shown_applying()
    {
        await using var daemon = await RunningAsync();
        _world.Git.Commit(World.Yaml(Stack, "git-bbb2222"));
        // The engine ends the apply at once, typically while the pass that started it is still running.
        await daemon.PollAsync();

        var control = daemon.Control(Stack);
        Assert.False(control.Applying);
        Assert.Equal(StackStatus.Synced, control.Status);
        Assert.Equal(0, daemon.Work.Count);
        Assert.Empty(daemon.Inbox.TakeWaiting());
        Assert.Equal(1, _world.Engine.MostAtOnce);
    }

    [Fact]
    public async Task A_completion_waiting_in_the_inbox_is_what_ends_applying()
    {
        await using var daemon = await RunningAsync();
        var apply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world.Engine.Gate = apply;
        _world.Git.Commit(World.Yaml(Stack, "git-bbb2222"));
        await daemon.Loop.HandleAsync(await TrackerPassAsync(daemon), acting: true, CancellationToken.None);
        Assert.True(daemon.Control(Stack).Applying);

        // Events while the apply runs start nothing more.
        await daemon.Loop.HandleAsync([new EvaluationRequest(ReconcileTrigger.Event, "id-" + Service)], acting: true, CancellationToken.None);
        Assert.True(daemon.Control(Stack).Applying);

        apply.SetResult();
        await daemon.SettleAsync();
        Assert.False(daemon.Control(Stack).Applying);
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
        Assert.Single(_world.Engine.Applies);
    }

    private static async Task<IReadOnlyList<LoopMessage>> TrackerPassAsync(LoopHarness daemon)
    {
        await daemon.Tracker.RefreshAsync(ReconcileTrigger.Poll, CancellationToken.None);
        return daemon.Inbox.TakeWaiting();
    }

    private async Task<LoopHarness> RunningAsync()
    {
        _world.Swarm.Add(Service, World.Image("git-aaa1111"));
        _world.Git.Commit(World.Yaml(Stack, "git-aaa1111"));
        var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();
        return daemon;
    }

    public void Dispose() => _world.Dispose();
}
