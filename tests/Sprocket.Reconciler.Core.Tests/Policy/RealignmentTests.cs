using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Core.Tests.Policy;

/// <summary>onEmergencyRollback: realign — hold, wait for a stable rollback, write back, then align.</summary>
public class RealignmentTests
{
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private const string Ccc = "git-ccc3333";
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Stabilization = TimeSpan.FromMinutes(2);

    private static StackSpec Stack(string tag = Bbb, WriteBackMode writeBack = WriteBackMode.Commit) =>
        new("web-prod", StackEngine.Pulumi, tag, null, [new ServiceSpec("ghcr.io/s/web", "web*")], [],
            StackPolicy.Default with { WriteBack = writeBack, Stabilization = Stabilization });

    private static ServiceEvaluation RolledBack(string liveTag = Aaa, SwarmUpdateState state = SwarmUpdateState.RollbackCompleted, bool running = true,
        DateTimeOffset? started = null, string desired = Bbb) =>
        new("web-1", "ghcr.io/s/web", "id1", $"ghcr.io/s/web:{liveTag}@sha256:{liveTag}", "sha256:" + liveTag, liveTag, desired, null,
            DriftReason.EmergencyRollback, false, state)
        {
            PreviousImage = $"ghcr.io/s/web:{desired}@sha256:{desired}",
            UpdateStartedAt = started ?? T0,
            TasksRunning = running,
        };

    private static StackEvaluation Evaluation(params ServiceEvaluation[] services) =>
        new("web-prod", StackStatus.Drifted, "web-1: emergency-rollback", services[0].ExpectedTag, null, [.. services]);

    private static ReconcileDecision Decide(StackSpec stack, StackEvaluation evaluation, StackRuntimeState state, DateTimeOffset now, bool leader = true) =>
        ReconcilePolicy.Decide(new ReconcileContext(stack, evaluation, state, now, leader));

    private static StackRuntimeState Fresh(string tag = Bbb) => StackRuntimeState.Initial with { DesiredTagSeen = tag };

    [Fact]
    public void Holds_at_once_and_records_the_incident_from_and_to()
    {
        var decision = Decide(Stack(), Evaluation(RolledBack(state: SwarmUpdateState.RollbackStarted)), Fresh(), T0);

        Assert.Equal(StackStatus.Held, decision.Status);
        Assert.Equal(ReconcileAction.None, decision.Action);
        var incident = decision.State.Incident!;
        Assert.Equal((Bbb, Aaa), (incident.BadTag, incident.GoodTag));
        var service = Assert.Single(incident.Services);
        Assert.Equal(("ghcr.io/s/web:git-bbb2222@sha256:git-bbb2222", "sha256:" + Aaa), (service.FromImage, service.ToDigest));
        Assert.Null(incident.StableSince);
        Assert.Contains("settle", decision.Message);
    }

    [Fact]
    public void A_new_rollback_once_the_write_back_is_in_git_is_held_as_a_new_incident_not_answered_by_that_commit()
    {
        var first = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        Assert.Equal(StackStatus.Held, first.Status);

        // Git now names aaa (the realignment's commit); at once the on-call rolls back again, to bbb: another rollback.
        var later = T0 + Stabilization + TimeSpan.FromSeconds(5);
        var again = Decide(Stack(Aaa), Evaluation(RolledBack(liveTag: Bbb, desired: Aaa, started: later, state: SwarmUpdateState.RollbackStarted)),
            first.State, later);

        Assert.Equal((ReconcileAction.None, StackStatus.Held), (again.Action, again.Status));
        Assert.Equal(HoldReason.EmergencyRollback, again.State.Hold!.Reason);
        Assert.Equal((Aaa, Bbb), (again.State.Incident!.BadTag, again.State.Incident.GoodTag));
    }

    [Fact]
    public void The_same_rollback_still_reported_after_a_commit_naming_another_tag_is_answered_by_it()
    {
        var first = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);

        var forwardFix = Decide(Stack(Ccc), Evaluation(RolledBack(desired: Ccc)), first.State, T0 + TimeSpan.FromMinutes(1));

        Assert.Equal(ReconcileAction.Apply, forwardFix.Action);
    }

    [Fact]
    public void A_pass_that_sees_the_same_rollback_decides_an_equal_state_so_nothing_is_stored_again()
    {
        var stack = Stack();
        var first = Decide(stack, Evaluation(RolledBack()), Fresh(), T0);
        var again = Decide(stack, Evaluation(RolledBack()), first.State, T0 + TimeSpan.FromSeconds(30));
        var moved = Decide(stack, Evaluation(RolledBack(started: T0 + TimeSpan.FromSeconds(10))), first.State, T0 + TimeSpan.FromSeconds(30));

        Assert.Equal(first.State, again.State);
        Assert.Equal(first.State.GetHashCode(), again.State.GetHashCode());
        Assert.NotEqual(first.State.Incident!.Services[0], moved.State.Incident!.Services[0]);
        Assert.NotEqual(first.State, moved.State);
    }

    [Fact]
    public void Writes_back_only_after_the_rollback_was_stable_for_the_whole_stabilization()
    {
        var stack = Stack();
        var settled = Decide(stack, Evaluation(RolledBack()), Fresh(), T0);
        Assert.Equal(T0, settled.State.Incident!.StableSince);
        Assert.Equal(T0 + Stabilization, settled.RetryAt);

        var early = Decide(stack, Evaluation(RolledBack()), settled.State, T0 + Stabilization - TimeSpan.FromSeconds(1));
        Assert.Equal(ReconcileAction.None, early.Action);

        var due = Decide(stack, Evaluation(RolledBack()), early.State, T0 + Stabilization);
        Assert.Equal(ReconcileAction.WriteBack, due.Action);
        Assert.Equal(StackStatus.Held, due.Status);
    }

    [Theory]
    [InlineData("a second rollback")]
    [InlineData("tasks stopped running")]
    public void Any_new_change_restarts_the_clock(string change)
    {
        var stack = Stack();
        var settled = Decide(stack, Evaluation(RolledBack()), Fresh(), T0);
        var later = T0 + TimeSpan.FromMinutes(1);
        var changed = change == "a second rollback"
            ? RolledBack(started: later)
            : RolledBack(running: false);

        var decision = Decide(stack, Evaluation(changed), settled.State, later);

        Assert.NotEqual(T0, decision.State.Incident!.StableSince);
        Assert.Equal(ReconcileAction.None, Decide(stack, Evaluation(changed), decision.State, T0 + Stabilization).Action);
    }

    [Fact]
    public void A_live_digest_without_a_known_tag_stays_held()
    {
        var unnamed = RolledBack() with { LiveTag = null };
        var decision = Decide(Stack(), Evaluation(unnamed), Fresh(), T0 + TimeSpan.FromHours(1));
        Assert.Null(decision.State.Incident!.GoodTag);
        Assert.Equal(ReconcileAction.None, Decide(Stack(), Evaluation(unnamed), decision.State, T0 + TimeSpan.FromHours(2)).Action);
        Assert.Contains("sha256:" + Aaa, decision.Message);
    }

    [Fact]
    public void Services_on_different_tags_cannot_be_expressed_by_one_key_and_stay_held()
    {
        var worker = new ServiceEvaluation("worker-1", "ghcr.io/s/worker", "id2", "img", "sha256:w", Bbb, Bbb, null, DriftReason.None, true, SwarmUpdateState.Completed);
        var decision = Decide(Stack(), Evaluation(RolledBack(), worker), Fresh(), T0);
        Assert.Null(decision.State.Incident!.GoodTag);
    }

    [Fact]
    public void Write_back_none_only_holds_and_says_what_to_do()
    {
        var stack = Stack(writeBack: WriteBackMode.None);
        var settled = Decide(stack, Evaluation(RolledBack()), Fresh(), T0);
        var due = Decide(stack, Evaluation(RolledBack()), settled.State, T0 + Stabilization);
        Assert.Equal(ReconcileAction.None, due.Action);
        Assert.Contains($"imageTag: {Aaa}", due.Message);
    }

    [Fact]
    public void A_standby_never_writes_back()
    {
        var settled = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        Assert.Equal(ReconcileAction.None, Decide(Stack(), Evaluation(RolledBack()), settled.State, T0 + Stabilization, leader: false).Action);
    }

    [Fact]
    public void After_the_write_back_it_waits_for_git_then_aligns_once_git_names_what_runs()
    {
        var settled = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        var written = ReconcilePolicy.AfterWriteBack(settled.State, new WriteBackRecord(WriteBackKind.Commit, "abc123", T0 + Stabilization), "", T0 + Stabilization);
        var waiting = Decide(Stack(), Evaluation(RolledBack()), written, T0 + Stabilization + TimeSpan.FromSeconds(5));
        Assert.Equal(ReconcileAction.None, waiting.Action);
        Assert.Contains("abc123", waiting.Message);

        // The commit lands: git names aaa, which runs. Swarm still says rollback_completed, but nothing drifts now.
        var synced = new StackEvaluation("web-prod", StackStatus.Synced, "all run aaa", Aaa, null,
            [new ServiceEvaluation("web-1", "ghcr.io/s/web", "id1", "img", "sha256:" + Aaa, Aaa, Aaa, "sha256:" + Aaa, DriftReason.None, true, SwarmUpdateState.RollbackCompleted)]);
        var align = Decide(Stack(Aaa), synced, waiting.State, T0 + TimeSpan.FromMinutes(5));
        Assert.Equal(ReconcileAction.Align, align.Action);
        Assert.Null(align.State.Hold);

        var done = ReconcilePolicy.AfterApply(align.State, Stack(Aaa), ApplyOutcome.Succeeded, "aligned", T0 + TimeSpan.FromMinutes(6));
        Assert.Null(done.Incident);
        Assert.Equal(ReconcileAction.None, Decide(Stack(Aaa), synced, done, T0 + TimeSpan.FromMinutes(7)).Action);
    }

    [Theory]
    [InlineData(Ccc)]
    [InlineData(Bbb)]
    public void After_the_realignment_the_next_commit_is_applied_though_Swarm_still_reports_the_rollback(string next)
    {
        // The incident ended: git names aaa, which runs, aligned. Swarm keeps saying rollback_completed until the next
        // update, so the next commit makes the classifier see a rollback away from it again. The humans answered that
        // rollback already (the realignment); whatever git names next, even the rolled-away tag, is their decision.
        var settled = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        var written = ReconcilePolicy.AfterWriteBack(settled.State, new WriteBackRecord(WriteBackKind.Commit, "abc123", T0 + Stabilization), "", T0 + Stabilization);
        var synced = new StackEvaluation("web-prod", StackStatus.Synced, "all run aaa", Aaa, null,
            [new ServiceEvaluation("web-1", "ghcr.io/s/web", "id1", "img", "sha256:" + Aaa, Aaa, Aaa, "sha256:" + Aaa, DriftReason.None, true, SwarmUpdateState.RollbackCompleted)
                { UpdateStartedAt = T0 }]);
        var align = Decide(Stack(Aaa), synced, written, T0 + TimeSpan.FromMinutes(5));
        var done = ReconcilePolicy.AfterApply(align.State, Stack(Aaa), ApplyOutcome.Succeeded, "aligned", T0 + TimeSpan.FromMinutes(6));
        var quiet = Decide(Stack(Aaa), synced, done, T0 + TimeSpan.FromMinutes(7));
        Assert.Equal((ReconcileAction.None, StackStatus.Synced), (quiet.Action, quiet.Status));

        var commit = Decide(Stack(next), Evaluation(RolledBack(desired: next)), quiet.State, T0 + TimeSpan.FromMinutes(8));

        Assert.Equal(ReconcileAction.Apply, commit.Action);
        Assert.Null(commit.State.Incident);
        Assert.Null(commit.State.Hold);

        // The answer covers that rollback only: the on-call rolling back again (a new rollback start) is held again.
        var again = Decide(Stack(Aaa), Evaluation(RolledBack(liveTag: Bbb, desired: Aaa, started: T0 + TimeSpan.FromMinutes(8))),
            quiet.State, T0 + TimeSpan.FromMinutes(8));
        Assert.Equal((ReconcileAction.None, StackStatus.Held), (again.Action, again.Status));
    }

    [Fact]
    public void A_forward_fix_is_applied_when_a_rolled_back_service_also_left_the_managed_set()
    {
        // web and worker rolled back while git names bbb; the forward fix names ccc and removes worker (or worker was
        // `docker service rm`'d): only web is still reported. That is the same rollback, not a new one.
        var worker = RolledBack() with { Name = "worker-1", ServiceId = "id2" };
        var held = Decide(Stack(), Evaluation(RolledBack(), worker), Fresh(), T0);
        Assert.Equal(StackStatus.Held, held.Status);

        var forwardFix = Decide(Stack(Ccc), Evaluation(RolledBack(desired: Ccc)), held.State, T0 + TimeSpan.FromMinutes(1));

        Assert.Equal(ReconcileAction.Apply, forwardFix.Action);
        Assert.Null(forwardFix.State.Hold);
    }

    [Fact]
    public void Rolling_the_rollback_back_and_forth_without_a_commit_is_a_new_rollback_each_time()
    {
        var held = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        // The on-call undoes the rollback: bbb runs again, as git names; Swarm reports rollback_completed.
        var undone = new StackEvaluation("web-prod", StackStatus.Synced, "all run bbb", Bbb, null,
            [new ServiceEvaluation("web-1", "ghcr.io/s/web", "id1", "img", "sha256:" + Bbb, Bbb, Bbb, "sha256:" + Bbb, DriftReason.None, true, SwarmUpdateState.RollbackCompleted)
                { UpdateStartedAt = T0 + TimeSpan.FromSeconds(10) }]);
        var back = Decide(Stack(), undone, held.State, T0 + TimeSpan.FromSeconds(11));

        var rolledAgain = Decide(Stack(), Evaluation(RolledBack(started: T0 + TimeSpan.FromSeconds(12))), back.State, T0 + TimeSpan.FromSeconds(13));

        Assert.Equal((ReconcileAction.None, StackStatus.Held), (rolledAgain.Action, rolledAgain.Status));
    }

    [Fact]
    public void A_failed_write_back_backs_off_and_retries()
    {
        var settled = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        var failed = ReconcilePolicy.AfterWriteBack(settled.State, null, "push rejected", T0 + Stabilization);
        var soon = Decide(Stack(), Evaluation(RolledBack()), failed, T0 + Stabilization + TimeSpan.FromSeconds(1));
        Assert.Equal(ReconcileAction.None, soon.Action);
        Assert.Equal(failed.NotBefore, soon.RetryAt);
        Assert.Equal(ReconcileAction.WriteBack, Decide(Stack(), Evaluation(RolledBack()), failed, failed.NotBefore!.Value).Action);
    }

    [Fact]
    public void A_forward_fix_during_the_hold_applies_and_closes_the_incident()
    {
        var settled = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        var fix = Decide(Stack(Ccc), Evaluation(RolledBack(desired: Ccc)), settled.State, T0 + TimeSpan.FromSeconds(30));
        Assert.Equal(ReconcileAction.Apply, fix.Action);
        Assert.Null(fix.State.Incident);
    }

    [Fact]
    public void A_changed_live_tag_needs_a_new_write_back()
    {
        var settled = Decide(Stack(), Evaluation(RolledBack()), Fresh(), T0);
        var written = ReconcilePolicy.AfterWriteBack(settled.State, new WriteBackRecord(WriteBackKind.PullRequest, "https://github.com/o/r/pull/7", T0), "", T0);
        var movedOn = Decide(Stack(), Evaluation(RolledBack(liveTag: Ccc, started: T0 + TimeSpan.FromMinutes(3))), written, T0 + TimeSpan.FromMinutes(3));
        Assert.Null(movedOn.State.Incident!.WriteBack);
        Assert.Equal(Ccc, movedOn.State.Incident.GoodTag);
    }
}
