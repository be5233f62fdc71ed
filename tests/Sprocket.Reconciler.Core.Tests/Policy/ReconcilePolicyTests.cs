using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Core.Tests.Policy;

public class ReconcilePolicyTests
{
    private const string Bbb = "git-bbb2222";
    private const string Aaa = "git-aaa1111";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static StackSpec Stack(StackPolicy? policy = null, string tag = Bbb) =>
        new("web-prod", StackEngine.Swarm, tag, null, [new ServiceSpec("ghcr.io/s/web", "web*")], [], policy ?? StackPolicy.Default);

    private static StackEvaluation Evaluation(StackStatus status, DriftReason drift = DriftReason.None, string liveTag = Aaa, bool inSync = false, string tag = Bbb) =>
        new("web-prod", status, $"{status.Spell()} ({drift.Spell()})", tag, null,
            [new ServiceEvaluation("web-1", "ghcr.io/s/web", "id1", "img", null, liveTag, tag, null, drift, inSync, null)]);

    private static ReconcileDecision Decide(StackEvaluation evaluation, StackPolicy? policy = null, StackRuntimeState? state = null,
        bool leader = true, bool manual = false, bool window = true, string tag = Bbb) =>
        ReconcilePolicy.Decide(new ReconcileContext(Stack(policy, tag), evaluation, state ?? StackRuntimeState.Initial with { DesiredTagSeen = tag },
            Now, leader, manual, window, window ? null : Now.AddHours(1)));

    private static StackPolicy With(Func<StackPolicy, StackPolicy> change) => change(StackPolicy.Default);

    [Fact]
    public void Git_ahead_of_live_applies()
    {
        var decision = Decide(Evaluation(StackStatus.OutOfSync));
        Assert.Equal(ReconcileAction.Apply, decision.Action);
        Assert.Equal(StackStatus.Applying, decision.Status);
    }

    [Fact]
    public void Synced_does_nothing_and_clears_failures()
    {
        var decision = Decide(Evaluation(StackStatus.Synced, liveTag: Bbb, inSync: true),
            state: StackRuntimeState.Initial with { DesiredTagSeen = Bbb, ConsecutiveFailures = 2, LastFailure = "x" });
        Assert.Equal(ReconcileAction.None, decision.Action);
        Assert.Equal(0, decision.State.ConsecutiveFailures);
    }

    [Fact]
    public void Rolling_out_the_desired_image_is_not_applied_again()
    {
        var decision = Decide(Evaluation(StackStatus.OutOfSync, liveTag: Bbb, inSync: false));
        Assert.Equal(ReconcileAction.None, decision.Action);
        Assert.Equal(StackStatus.OutOfSync, decision.Status);
    }

    [Fact]
    public void Invalid_stack_is_never_applied()
    {
        var decision = Decide(Evaluation(StackStatus.Invalid), manual: true);
        Assert.Equal(ReconcileAction.None, decision.Action);
        Assert.Equal(StackStatus.Invalid, decision.Status);
    }

    [Theory]
    [InlineData(EmergencyRollbackPolicy.Hold, ReconcileAction.None, StackStatus.Held)]
    [InlineData(EmergencyRollbackPolicy.Realign, ReconcileAction.None, StackStatus.Held)]
    [InlineData(EmergencyRollbackPolicy.Revert, ReconcileAction.Apply, StackStatus.Applying)]
    public void Emergency_rollback_is_held_unless_revert_is_opted_in(EmergencyRollbackPolicy policy, ReconcileAction action, StackStatus status)
    {
        var decision = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback), With(p => p with { OnEmergencyRollback = policy }));
        Assert.Equal(action, decision.Action);
        Assert.Equal(status, decision.Status);
        if (status == StackStatus.Held) Assert.Equal(HoldReason.EmergencyRollback, decision.State.Hold!.Reason);
    }

    [Fact]
    public void Resume_answers_an_emergency_hold_and_lets_the_desired_tag_go_out_again()
    {
        var held = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback));
        var resumed = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback), state: ReconcilePolicy.Resume(held.State), manual: true);
        Assert.Equal(ReconcileAction.Apply, resumed.Action);
    }

    [Fact]
    public void Resume_lifts_a_refused_tag_and_the_circuit()
    {
        var state = StackRuntimeState.Initial with { DesiredTagSeen = Bbb, RefusedTag = Bbb, ConsecutiveFailures = 5, NotBefore = Now.AddMinutes(5) };
        var resumed = ReconcilePolicy.Resume(state);
        Assert.Equal(ReconcileAction.Apply, Decide(Evaluation(StackStatus.OutOfSync), state: resumed).Action);
    }

    [Fact]
    public void Emergency_hold_is_never_lifted_by_an_api_reconcile_of_the_same_tag()
    {
        var first = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback));
        var again = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback), state: first.State, manual: true);
        Assert.Equal(ReconcileAction.None, again.Action);
        Assert.Equal(first.State.Hold!.Since, again.State.Hold!.Since);
    }

    [Theory]
    [InlineData(DriftReason.EmergencyRollback)]
    [InlineData(DriftReason.FailedUpdateRollback)]
    public void A_new_tag_in_git_answers_a_rollback_that_swarm_still_reports(DriftReason rollback)
    {
        // Swarm keeps UpdateStatus rollback_completed until the next update, so the drift stays visible.
        var held = Decide(Evaluation(StackStatus.Drifted, rollback));
        Assert.Equal(ReconcileAction.None, held.Action);
        Assert.Equal(RollbackSeen.WhileGitNames(Bbb), held.State.RollbackSeen);

        const string ccc = "git-ccc3333";
        var forwardFix = Decide(Evaluation(StackStatus.Drifted, rollback, tag: ccc), state: held.State, tag: ccc);
        Assert.Equal(ReconcileAction.Apply, forwardFix.Action);
        Assert.Null(forwardFix.State.Hold);

        var afterwards = Decide(Evaluation(StackStatus.Synced, liveTag: ccc, inSync: true, tag: ccc), state: forwardFix.State, tag: ccc);
        Assert.Null(afterwards.State.RollbackSeen);
    }

    [Theory]
    [InlineData(FailedUpdateRollbackPolicy.Hold, StackStatus.Held)]
    [InlineData(FailedUpdateRollbackPolicy.Alert, StackStatus.Drifted)]
    public void Failed_update_rollback_refuses_the_tag_until_git_names_another(FailedUpdateRollbackPolicy policy, StackStatus status)
    {
        var stackPolicy = With(p => p with { OnFailedUpdateRollback = policy });
        var first = Decide(Evaluation(StackStatus.Drifted, DriftReason.FailedUpdateRollback), stackPolicy);
        Assert.Equal(ReconcileAction.None, first.Action);
        Assert.Equal(status, first.Status);
        Assert.Equal(Bbb, first.State.RefusedTag);

        // Even once Swarm's UpdateStatus no longer says rollback, the refused tag stays refused.
        var later = Decide(Evaluation(StackStatus.OutOfSync), stackPolicy, first.State, manual: true);
        Assert.Equal(ReconcileAction.None, later.Action);

        var newTag = Decide(Evaluation(StackStatus.OutOfSync, tag: "git-ccc3333"), stackPolicy, first.State, tag: "git-ccc3333");
        Assert.Equal(ReconcileAction.Apply, newTag.Action);
        Assert.Null(newTag.State.RefusedTag);
    }

    [Theory]
    [InlineData(DriftPolicy.Revert, ReconcileAction.Apply, StackStatus.Applying)]
    [InlineData(DriftPolicy.Hold, ReconcileAction.None, StackStatus.Held)]
    [InlineData(DriftPolicy.Alert, ReconcileAction.None, StackStatus.Drifted)]
    public void Manual_change_follows_on_drift(DriftPolicy policy, ReconcileAction action, StackStatus status)
    {
        var decision = Decide(Evaluation(StackStatus.Drifted, DriftReason.ManualChange), With(p => p with { OnDrift = policy }));
        Assert.Equal(action, decision.Action);
        Assert.Equal(status, decision.Status);
    }

    [Fact]
    public void Tag_moved_is_never_applied_automatically()
    {
        var decision = Decide(Evaluation(StackStatus.Drifted, DriftReason.TagMoved, liveTag: Bbb), With(p => p with { OnDrift = DriftPolicy.Revert }), manual: true);
        Assert.Equal(ReconcileAction.None, decision.Action);
        Assert.Contains("never applied automatically", decision.Message);
    }

    [Fact]
    public void Missing_service_cannot_be_reverted_by_a_direct_swarm_update()
    {
        var decision = Decide(Evaluation(StackStatus.Drifted, DriftReason.Missing, liveTag: null!));
        Assert.Equal(ReconcileAction.None, decision.Action);
        Assert.Equal(StackStatus.Drifted, decision.Status);
    }

    [Fact]
    public void Missing_service_is_recreated_by_an_engine_that_can()
    {
        var decision = ReconcilePolicy.Decide(new ReconcileContext(Stack(), Evaluation(StackStatus.Drifted, DriftReason.Missing, liveTag: null!),
            StackRuntimeState.Initial with { DesiredTagSeen = Bbb }, Now, EngineRecreatesMissing: true));
        Assert.Equal(ReconcileAction.Apply, decision.Action);
    }

    [Fact]
    public void Standby_observes_only()
    {
        var decision = Decide(Evaluation(StackStatus.OutOfSync), leader: false, manual: true);
        Assert.Equal(ReconcileAction.None, decision.Action);
        Assert.Contains("standby", decision.Message);
    }

    [Fact]
    public void Auto_sync_off_applies_only_on_request()
    {
        var off = With(p => p with { AutoSync = false });
        Assert.Equal(ReconcileAction.None, Decide(Evaluation(StackStatus.OutOfSync), off).Action);
        Assert.Equal(ReconcileAction.Apply, Decide(Evaluation(StackStatus.OutOfSync), off, manual: true).Action);
    }

    [Fact]
    public void Outside_the_sync_window_waits_until_it_opens_unless_a_human_asks()
    {
        var waiting = Decide(Evaluation(StackStatus.OutOfSync), window: false);
        Assert.Equal(ReconcileAction.Wait, waiting.Action);
        Assert.Equal(Now.AddHours(1), waiting.RetryAt);
        Assert.Equal(ReconcileAction.Apply, Decide(Evaluation(StackStatus.OutOfSync), window: false, manual: true).Action);
    }

    [Fact]
    public void Failures_back_off_then_open_the_circuit_and_a_new_tag_closes_it()
    {
        var stack = Stack();
        var state = StackRuntimeState.Initial with { DesiredTagSeen = Bbb };
        state = ReconcilePolicy.AfterApply(state, stack, ApplyOutcome.Failed, "boom", Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(2), state.NotBefore);

        var waiting = Decide(Evaluation(StackStatus.OutOfSync), state: state);
        Assert.Equal(ReconcileAction.Wait, waiting.Action);
        Assert.Equal(state.NotBefore, waiting.RetryAt);

        state = ReconcilePolicy.AfterApply(state, stack, ApplyOutcome.Failed, "boom", Now);
        state = ReconcilePolicy.AfterApply(state, stack, ApplyOutcome.Failed, "boom", Now);
        var open = ReconcilePolicy.Decide(new ReconcileContext(stack, Evaluation(StackStatus.OutOfSync), state, Now.AddMinutes(1)));
        Assert.Equal(ReconcileAction.None, open.Action);
        Assert.Equal(StackStatus.Failed, open.Status);
        Assert.Contains("circuit open after 3", open.Message);

        var fixedInGit = Decide(Evaluation(StackStatus.OutOfSync, tag: "git-ccc3333"), state: state, tag: "git-ccc3333");
        Assert.Equal(ReconcileAction.Apply, fixedInGit.Action);
        Assert.Equal(0, fixedInGit.State.ConsecutiveFailures);
    }

    [Fact]
    public void A_lock_held_by_someone_else_retries_later_without_counting_a_failure()
    {
        var state = ReconcilePolicy.AfterApply(StackRuntimeState.Initial with { DesiredTagSeen = Bbb }, Stack(), ApplyOutcome.Locked, "locked", Now);
        Assert.Equal(0, state.ConsecutiveFailures);
        Assert.Equal(Now + ReconcilePolicy.LockRetry, state.NotBefore);
        Assert.Equal(ReconcileAction.Wait, Decide(Evaluation(StackStatus.OutOfSync), state: state).Action);
    }

    [Fact]
    public void Misconfiguration_opens_the_circuit_at_once()
    {
        var state = ReconcilePolicy.AfterApply(StackRuntimeState.Initial with { DesiredTagSeen = Bbb }, Stack(), ApplyOutcome.Misconfigured, "no stack named 'prod' found", Now);
        Assert.True(state.CircuitOpen(StackPolicy.Default.MaxConsecutiveFailures));
    }

    [Fact]
    public void Our_update_rolled_back_by_swarm_holds_and_refuses_the_tag()
    {
        var state = ReconcilePolicy.AfterApply(StackRuntimeState.Initial with { DesiredTagSeen = Bbb }, Stack(), ApplyOutcome.RolledBack, "task exited", Now);
        Assert.Equal(Bbb, state.RefusedTag);
        Assert.Equal(HoldReason.FailedUpdateRollback, state.Hold!.Reason);
    }

    [Theory]
    [InlineData(EmergencyRollbackPolicy.Hold)]
    [InlineData(EmergencyRollbackPolicy.Realign)]
    public void Our_update_rolled_back_by_the_on_call_is_an_emergency_rollback_not_a_refused_failure(EmergencyRollbackPolicy policy)
    {
        var stack = Stack(With(p => p with { OnEmergencyRollback = policy }));
        var state = ReconcilePolicy.AfterApply(StackRuntimeState.Initial with { DesiredTagSeen = Bbb }, stack, ApplyOutcome.RolledBackByOnCall,
            "the on-call rolled the update back", Now);

        Assert.Equal((null, null, 0), (state.RefusedTag, state.Hold, state.ConsecutiveFailures));
        Assert.Null(state.NotBefore);
        // The next pass sees the rollback Swarm still reports: held as the on-call's emergency rollback, never re-applied.
        var next = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback), stack.Policy, state);
        Assert.Equal((ReconcileAction.None, StackStatus.Held, HoldReason.EmergencyRollback), (next.Action, next.Status, next.State.Hold!.Reason));
    }

    [Fact]
    public void Under_revert_each_rollback_by_the_on_call_counts_as_a_failure_so_the_agent_backs_off_then_opens_the_circuit()
    {
        // revert re-applies over an emergency rollback; without backoff it would re-apply the moment the on-call rolls
        // back, each time: a fight with the person on call.
        var stack = Stack(With(p => p with { OnEmergencyRollback = EmergencyRollbackPolicy.Revert }));
        var state = StackRuntimeState.Initial with { DesiredTagSeen = Bbb };
        for (var i = 1; i <= stack.Policy.MaxConsecutiveFailures; i++)
        {
            state = ReconcilePolicy.AfterApply(state, stack, ApplyOutcome.RolledBackByOnCall, "the on-call rolled the update back", Now);
            Assert.Equal(i, state.ConsecutiveFailures);
            Assert.NotNull(state.NotBefore);
        }

        var soon = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback), stack.Policy, state);
        Assert.Equal((ReconcileAction.None, StackStatus.Failed), (soon.Action, soon.Status));
        Assert.Contains("circuit open", soon.Message);
        Assert.Null(state.RefusedTag);
    }

    [Theory]
    [InlineData(EmergencyRollbackPolicy.Hold)]
    [InlineData(EmergencyRollbackPolicy.Realign)]
    public void A_failed_apply_the_on_call_rolled_back_is_not_counted_once_the_emergency_hold_begins(EmergencyRollbackPolicy policy)
    {
        // A pulumi up fails when the on-call rolls its update back; the next pass sees the emergency rollback.
        var stack = Stack(With(p => p with { OnEmergencyRollback = policy, Stabilization = TimeSpan.FromSeconds(1) }));
        var failed = ReconcilePolicy.AfterApply(StackRuntimeState.Initial with { DesiredTagSeen = Bbb }, stack, ApplyOutcome.Failed, "update failed", Now);
        Assert.Equal(1, failed.ConsecutiveFailures);

        var held = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback), stack.Policy, failed);

        Assert.Equal((StackStatus.Held, HoldReason.EmergencyRollback), (held.Status, held.State.Hold!.Reason));
        Assert.Equal((0, null, null), (held.State.ConsecutiveFailures, held.State.NotBefore, held.State.LastFailedAt));
        if (policy != EmergencyRollbackPolicy.Realign) return;
        // A write-back that fails during the hold still backs off.
        var writeBackFailed = ReconcilePolicy.AfterWriteBack(held.State, null, "push refused", Now);
        var later = Decide(Evaluation(StackStatus.Drifted, DriftReason.EmergencyRollback), stack.Policy, writeBackFailed);
        Assert.Equal(1, later.State.ConsecutiveFailures);
    }

    [Fact]
    public void Manual_hold_stays_until_resumed_or_a_new_tag()
    {
        var held = StackRuntimeState.Initial with { DesiredTagSeen = Bbb, Hold = new StackHold(HoldReason.Manual, "held by alice", Now, Manual: true) };
        Assert.Equal(StackStatus.Held, Decide(Evaluation(StackStatus.OutOfSync), state: held, manual: true).Status);
        Assert.Equal(ReconcileAction.Apply, Decide(Evaluation(StackStatus.OutOfSync, tag: "git-ccc3333"), state: held, tag: "git-ccc3333").Action);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(2, 6)]
    [InlineData(3, 18)]
    [InlineData(5, 162)]
    [InlineData(6, 300)]
    [InlineData(60, 300)]
    public void Backoff_is_two_seconds_times_three_capped_at_five_minutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.After(failures));

    [Fact]
    public void Observe_only_drift_never_triggers_an_apply()
    {
        var evaluation = new StackEvaluation("web-prod", StackStatus.Drifted, "legacy drifted", Bbb, null,
        [
            new ServiceEvaluation("web-1", "ghcr.io/s/web", "id1", "img", null, Bbb, Bbb, null, DriftReason.None, true, null),
            new ServiceEvaluation("legacy-1", "ghcr.io/s/legacy", "id2", "img", null, "v1", "master", null, DriftReason.ManualChange, false, null, ObserveOnly: true),
        ]);
        Assert.Equal(ReconcileAction.None, Decide(evaluation).Action);
    }
}
