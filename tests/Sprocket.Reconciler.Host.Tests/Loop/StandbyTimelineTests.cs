using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// A stack's timeline is the history of the instance that acts on it: a standby observes (and holds on its own record)
/// but neither applies nor writes back, so it adds nothing of what it only saw — and never a deadline for a write-back
/// it will not make. What it did itself while it led still goes on its timeline. Once it leads, it tells what it has not
/// told (a drift, a hold, a rollback that came while it watched or while no instance led), once.
/// </summary>
public sealed class StandbyTimelineTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task A_standby_watching_a_rollback_hold_and_stabilize_adds_nothing_and_the_leader_it_becomes_writes_back()
    {
        await using var daemon = await RunningAsync(Aaa);
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        var asLeader = Kinds(daemon);
        Assert.Equal(["apply-started", "apply-succeeded", "synced"], asLeader);

        var notified = _world.Notifications.Published.Count;
        _world.Leadership.IsLeader = false;
        _world.Swarm.RollBack(Service);
        await daemon.EventAsync(Service);
        await daemon.AdvanceAsync(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        await daemon.EventAsync(Service);

        Assert.Equal(StackStatus.Held, daemon.Control(Stack).Status);
        Assert.Empty(_world.WriteBack.Written);
        Assert.Equal(asLeader, Kinds(daemon));
        // Nor does it notify: the leader's notifications tell the stack's story to GitHub, Grafana and Gatus.
        Assert.Equal(notified, _world.Notifications.Published.Count);

        // Leadership moves here (the leadership check asks for a resync): it tells the rollback it inherited (once, before
        // its write-back), then the write-back and what follows are its own.
        _world.Leadership.IsLeader = true;
        daemon.Inbox.Post(new EvaluationRequest(ReconcileTrigger.Resync));
        await daemon.SettleAsync();
        Assert.Single(_world.WriteBack.Written);
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
        Assert.Equal([.. asLeader, "emergency-rollback", "stabilization-started", "write-back-commit", "resume", "apply-started", "apply-succeeded",
            "aligned", "synced"], Kinds(daemon));
        var told = _world.Notifications.Published.Skip(notified).Select(n => n.Kind).ToList();
        Assert.Equal(1, told.Count(k => k == NotificationKind.EmergencyRollback));
        Assert.Contains(NotificationKind.Realign, told);
        Assert.True(told.IndexOf(NotificationKind.EmergencyRollback) < told.IndexOf(NotificationKind.Realign));
        var rollback = Assert.Single(daemon.Timeline(Stack), e => e.Kind == "emergency-rollback");
        Assert.Equal((Aaa, Bbb), (rollback.Tag, rollback.PreviousTag));
    }

    [Fact]
    public async Task A_drift_that_came_while_no_instance_led_is_told_by_the_next_leader_once()
    {
        await using var daemon = await RunningAsync(Aaa, onDrift: "alert");
        _world.Leadership.IsLeader = false;
        _world.Swarm.Update(Service, World.Image(Bbb));
        await daemon.EventAsync(Service);
        Assert.Equal(StackStatus.Drifted, daemon.Control(Stack).Status);
        Assert.Empty(daemon.Timeline(Stack));
        Assert.Empty(_world.Notifications.Published);

        _world.Leadership.IsLeader = true;
        daemon.Inbox.Post(new EvaluationRequest(ReconcileTrigger.Resync));
        await daemon.SettleAsync();
        await daemon.EventAsync(Service);

        var drift = Assert.Single(daemon.Timeline(Stack));
        Assert.Equal(("drift-seen", Bbb, Aaa), (drift.Kind, drift.Tag, drift.PreviousTag));
        Assert.Equal([NotificationKind.Drift], _world.Notifications.Published.Select(n => n.Kind));
    }

    [Fact]
    public async Task A_drift_told_then_undone_while_a_standby_is_back_in_sync_on_the_timeline_when_it_leads_again()
    {
        await using var daemon = await RunningAsync(Aaa, onDrift: "alert");
        _world.Swarm.Update(Service, World.Image(Bbb));
        await daemon.EventAsync(Service);
        Assert.Equal(["drift-seen"], Kinds(daemon));

        _world.Leadership.IsLeader = false;
        _world.Swarm.Update(Service, World.Image(Aaa));
        await daemon.EventAsync(Service);
        Assert.Equal(["drift-seen"], Kinds(daemon));

        _world.Leadership.IsLeader = true;
        daemon.Inbox.Post(new EvaluationRequest(ReconcileTrigger.Resync));
        await daemon.SettleAsync();
        Assert.Equal(["drift-seen", "synced"], Kinds(daemon));
        Assert.Equal([NotificationKind.Drift, NotificationKind.Synced], _world.Notifications.Published.Select(n => n.Kind));
    }

    [Fact]
    public async Task A_standby_sees_drift_and_a_refused_revision_without_adding_them()
    {
        _world.Leadership.IsLeader = false;
        await using var daemon = await RunningAsync(Aaa);

        _world.Registry.Missing[Bbb] = 0;
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        Assert.Equal(StackStatus.Invalid, daemon.Control(Stack).Status);
        _world.Git.Commit(World.Yaml(Stack, Aaa));
        await daemon.PollAsync();
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
        _world.Swarm.Update(Service, World.Image(Bbb));
        await daemon.EventAsync(Service);
        Assert.Equal(StackStatus.Drifted, daemon.Control(Stack).Status);

        Assert.Empty(_world.Engine.Applies);
        Assert.Empty(daemon.Timeline(Stack));
    }

    [Fact]
    public async Task An_apply_started_as_leader_that_ends_after_leadership_moved_is_on_the_timeline()
    {
        await using var daemon = await RunningAsync(Aaa);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world.Engine.Gates[Stack] = gate;
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.Tracker.RefreshAsync(ReconcileTrigger.Poll, CancellationToken.None);
        await daemon.Loop.HandleAsync(daemon.Inbox.TakeWaiting(), acting: true, CancellationToken.None);
        Assert.Equal(["apply-started"], Kinds(daemon));

        _world.Leadership.IsLeader = false;
        gate.SetResult();
        await daemon.SettleAsync();

        Assert.Equal(["apply-started", "apply-succeeded"], Kinds(daemon));
    }

    private static IReadOnlyList<string> Kinds(LoopHarness daemon) => [.. daemon.Timeline(Stack).Select(e => e.Kind)];

    private Task<LoopHarness> RunningAsync(string tag, string onDrift = "revert") =>
        LoopHarness.StartSyncedAsync(_world, Stack, Service, tag, World.Yaml(Stack, tag, onDrift: onDrift));

    public void Dispose() => _world.Dispose();
}
