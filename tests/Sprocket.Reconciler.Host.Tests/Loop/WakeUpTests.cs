using Sprocket.Reconciler.Core.Drift;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>The one wake-up timer serves every stack: work in flight on one stack never silences another's wait.</summary>
public sealed class WakeUpTests : IDisposable
{
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new() { PollInterval = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task A_stack_in_backoff_retries_while_another_stacks_apply_runs_past_its_recheck()
    {
        _world.Swarm.Add("shop-web", World.Image(Aaa));
        _world.Swarm.Add("cart-web", World.Image(Aaa));
        _world.Git.Commit(World.Yaml(("shop", Aaa), ("cart", Aaa)));
        await using var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();

        var shopApply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world.Engine.Gates["shop"] = shopApply;
        _world.Engine.FailuresLeft["cart"] = 2;
        _world.Git.Commit(World.Yaml(("shop", Bbb), ("cart", Bbb)));
        // Started by the pass, not waited for: shop's apply stays open for the whole test.
        await daemon.Tracker.RefreshAsync(Sprocket.Reconciler.Reconcile.ReconcileTrigger.Poll, CancellationToken.None);
        await daemon.Loop.HandleAsync(daemon.Inbox.TakeWaiting(), acting: true, CancellationToken.None);

        // A minute in one-second steps: shop's recheck time passes while its apply runs; cart fails twice and backs off.
        for (var second = 0; second < 60 && CartApplies() < 3; second++)
        {
            await HandleWaitingAsync(daemon);
            _world.Time.Advance(TimeSpan.FromSeconds(1));
            await HandleWaitingAsync(daemon);
        }

        Assert.Equal(3, CartApplies());
        Assert.Equal(StackStatus.Synced, daemon.Control("cart").Status);
        Assert.True(daemon.Control("shop").Applying);
        shopApply.SetResult();
        await daemon.SettleAsync();
        Assert.Equal(StackStatus.Synced, daemon.Control("shop").Status);
    }

    private int CartApplies() => _world.Engine.Applies.Count(a => a.Stack.Name == "cart");

    /// <summary>Handles what has arrived, waiting for cart's apply to report but never for shop's, which is held open.</summary>
    private static async Task HandleWaitingAsync(LoopHarness daemon)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (daemon.Work.Count > 1 && DateTime.UtcNow < deadline) await Task.Delay(1);
        var batch = daemon.Inbox.TakeWaiting();
        if (batch.Count > 0) await daemon.Loop.HandleAsync(batch, acting: true, CancellationToken.None);
    }

    public void Dispose() => _world.Dispose();
}
