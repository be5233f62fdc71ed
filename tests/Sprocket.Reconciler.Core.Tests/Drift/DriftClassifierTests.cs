using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;
using static Sprocket.Reconciler.Core.Tests.Drift.Scenario;

namespace Sprocket.Reconciler.Core.Tests.Drift;

public class DriftClassifierTests
{
    private static readonly FakeFacts Facts = Registry().With(Web, Aaa).With(Web, Bbb).With(Web, Ccc).With(Worker, Aaa).With(Worker, Bbb);

    private static ServiceEvaluation Single(StackEvaluation evaluation) => Assert.Single(evaluation.Services);

    [Theory]
    [InlineData("tag only", Web + ":" + Bbb)]
    [InlineData("tag@digest", Web + ":" + Bbb + "@")]
    [InlineData("digest only, as Pulumi writes it", Web + "@")]
    public void Live_equal_to_desired_is_synced_whatever_the_spec_form(string form, string image)
    {
        var resolved = image.EndsWith('@') ? image + DigestOf(Bbb) : image;
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("prod-web-1a2b", resolved));

        Assert.True(StackStatus.Synced == evaluation.Status, form);
        var service = Single(evaluation);
        Assert.Equal(DriftReason.None, service.Drift);
        Assert.True(service.InSync);
        Assert.Equal(Bbb, service.LiveTag);
        Assert.Equal(DigestOf(Bbb), service.ExpectedDigest);
    }

    [Theory]
    [InlineData("updating", 1, 1)]
    [InlineData("paused", 1, 1)]
    [InlineData("completed", 0, 1)]
    [InlineData(null, 1, 2)]
    public void Desired_spec_still_rolling_out_is_out_of_sync_not_synced(string? state, int running, int desired)
    {
        var service = Service("prod-web-1", Web + ":" + Bbb, previous: Web + ":" + Aaa, state is null ? null : Status(state))
            with { RunningTasks = running, DesiredTasks = desired };
        var evaluation = Evaluate(Stack(Bbb), Facts, null, service);
        Assert.Equal(StackStatus.OutOfSync, evaluation.Status);
        Assert.Equal(DriftReason.None, Single(evaluation).Drift);
        Assert.Contains("rolling out", evaluation.Message);
    }

    [Theory]
    [InlineData("rollback_started")]
    [InlineData("rollback_paused")]
    public void A_rollback_back_to_the_desired_image_is_not_synced_while_it_runs(string state)
    {
        // The on-call's second --rollback swaps the spec back to the desired image at once; the tasks of the image rolled
        // away from still run (and count as running) until Swarm replaces them.
        var rollingBack = Service("prod-web-1", Web + ":" + Bbb, previous: Web + ":" + Aaa, Status(state, "manually requested rollback", RollbackOrigin.Manual))
            with { RunningTasks = 1, DesiredTasks = 1 };
        var evaluation = Evaluate(Stack(Bbb), Facts, null, rollingBack);
        Assert.Equal(StackStatus.OutOfSync, evaluation.Status);
        Assert.False(Single(evaluation).InSync);

        var completed = rollingBack with { UpdateStatus = Status("rollback_completed", "rollback completed", RollbackOrigin.Manual) };
        Assert.Equal(StackStatus.Synced, Evaluate(Stack(Bbb), Facts, null, completed).Status);
    }

    [Fact]
    public void A_paused_update_names_the_failed_task_error_in_the_stack_message()
    {
        const string error = "No such image: registry.example.com/web:" + Bbb;
        var paused = Service("prod-web-1", Web + ":" + Bbb, previous: Web + ":" + Aaa, Status("paused", "update paused due to failure or early termination of task x"))
            with { RunningTasks = 0, DesiredTasks = 1, TaskError = error };
        var evaluation = Evaluate(Stack(Bbb), Facts, null, paused);
        Assert.Equal(StackStatus.OutOfSync, evaluation.Status);
        Assert.Equal(error, Single(evaluation).TaskError);
        Assert.Contains($"prod-web-1 rolling out (paused), task error: {error}", evaluation.Message);
    }

    [Fact]
    public void A_failed_update_rollback_names_the_failed_task_error_in_the_stack_message()
    {
        var rolledBack = Service("prod-web-1", Web + ":" + Aaa, previous: null, Status("rollback_completed", "rollback completed", RollbackOrigin.AfterFailedUpdate))
            with { TaskError = "task: non-zero exit (1)" };
        var evaluation = Evaluate(Stack(Bbb), Facts, null, rolledBack);
        Assert.Equal(DriftReason.FailedUpdateRollback, Single(evaluation).Drift);
        Assert.Contains($"prod-web-1: {DriftReason.FailedUpdateRollback.Spell()} (live {Aaa}, desired {Bbb}), task error: task: non-zero exit (1)", evaluation.Message);
    }

    [Fact]
    public void Digest_only_spec_is_named_by_its_tag_through_the_ledger()
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("prod-web-1", Web + "@" + DigestOf(Aaa)));
        Assert.Equal(Aaa, Single(evaluation).LiveTag);
        Assert.Equal(StackStatus.OutOfSync, evaluation.Status);
    }

    [Fact]
    public void Digest_unknown_to_the_ledger_leaves_the_tag_unnamed()
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("prod-web-1", Web + "@" + DigestOf("git-fff9999")));
        var service = Single(evaluation);
        Assert.Null(service.LiveTag);
        Assert.Equal(DigestOf("git-fff9999"), service.LiveDigest);
    }

    [Fact]
    public void Git_naming_a_tag_that_is_not_live_is_out_of_sync_not_drift()
    {
        var evaluation = Evaluate(Stack(Ccc), Facts, null, Service("prod-web-1", Web + ":" + Bbb, previous: Web + ":" + Aaa, Status("completed", "update completed")));
        Assert.Equal(StackStatus.OutOfSync, evaluation.Status);
        Assert.Equal(DriftReason.None, Single(evaluation).Drift);
        Assert.False(Single(evaluation).InSync);
    }

    [Theory]
    [InlineData(RollbackOrigin.Manual, "rollback_started", DriftReason.EmergencyRollback)]
    [InlineData(RollbackOrigin.Manual, "rollback_completed", DriftReason.EmergencyRollback)]
    [InlineData(RollbackOrigin.Manual, "rollback_paused", DriftReason.EmergencyRollback)]
    [InlineData(RollbackOrigin.Unknown, "rollback_completed", DriftReason.EmergencyRollback)]
    [InlineData(RollbackOrigin.AfterFailedUpdate, "rollback_started", DriftReason.FailedUpdateRollback)]
    [InlineData(RollbackOrigin.AfterFailedUpdate, "rollback_completed", DriftReason.FailedUpdateRollback)]
    [InlineData(RollbackOrigin.AfterFailedUpdate, "rollback_paused", DriftReason.FailedUpdateRollback)]
    public void Rollback_away_from_desired_is_classified_by_its_origin(RollbackOrigin origin, string state, DriftReason expected)
    {
        var rolledBack = Service("prod-web-1", Web + ":" + Aaa, previous: Web + ":" + Bbb, Status(state, "rollback completed", origin));
        var evaluation = Evaluate(Stack(Bbb), Facts, null, rolledBack);
        Assert.Equal(expected, Single(evaluation).Drift);
        Assert.Equal(StackStatus.Drifted, evaluation.Status);
        Assert.Equal(state, Single(evaluation).UpdateStateText);
    }

    [Theory]
    [InlineData(true, DriftReason.EmergencyRollback)]
    [InlineData(false, DriftReason.FailedUpdateRollback)]
    public void Missed_rollback_message_falls_back_to_whether_swarm_kept_the_previous_spec(bool previousKept, DriftReason expected)
    {
        // docker service update --rollback keeps the rolled-away spec; Swarm's own rollback clears it.
        var rolledBack = Service("prod-web-1", Web + ":" + Aaa, previous: previousKept ? Web + ":" + Bbb : null,
            Status("rollback_completed", "rollback completed"));
        Assert.Equal(expected, Single(Evaluate(Stack(Bbb), Facts, null, rolledBack)).Drift);
    }

    [Fact]
    public void Tag_at_digest_whose_digest_belongs_to_another_tag_is_named_by_the_digest()
    {
        // Swarm stores "repo:tag@digest" unchecked; the digest is what runs.
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("prod-web-1", $"{Web}:{Bbb}@{DigestOf(Aaa)}"));
        Assert.Equal(Aaa, Single(evaluation).LiveTag);
        Assert.NotEqual(StackStatus.Synced, evaluation.Status);
    }

    [Fact]
    public void Rollback_that_lands_on_the_desired_image_is_not_drift()
    {
        var evaluation = Evaluate(Stack(Aaa), Facts, null,
            Service("prod-web-1", Web + ":" + Aaa, previous: Web + ":" + Ccc, Status("rollback_completed", origin: RollbackOrigin.Manual)));
        Assert.Equal(StackStatus.Synced, evaluation.Status);
    }

    [Theory]
    [InlineData(RollbackOrigin.Manual)]
    [InlineData(RollbackOrigin.AfterFailedUpdate)]
    [InlineData(RollbackOrigin.Unknown)]
    public void Origin_is_read_from_the_in_progress_message(RollbackOrigin expected)
    {
        var message = expected switch
        {
            RollbackOrigin.Manual => "manually requested rollback",
            RollbackOrigin.AfterFailedUpdate => "update rolled back due to failure or early termination of task abc",
            _ => "rollback completed",
        };
        Assert.Equal(expected, LiveUpdateStatus.OriginFromMessage(message));
    }

    [Fact]
    public void Image_changed_by_hand_away_from_desired_is_manual_change()
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, null,
            Service("prod-web-1", Web + ":" + Ccc, previous: Web + ":" + Bbb, Status("completed", "update completed")));
        Assert.Equal(DriftReason.ManualChange, Single(evaluation).Drift);
        Assert.Equal(StackStatus.Drifted, evaluation.Status);
    }

    [Fact]
    public void Image_changed_to_another_repository_is_manual_change()
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("prod-web-1", "ghcr.io/someone/else:" + Bbb));
        Assert.Equal(DriftReason.ManualChange, Single(evaluation).Drift);
    }

    [Fact]
    public void No_update_status_and_no_previous_spec_with_another_tag_is_out_of_sync()
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("prod-web-1", Web + ":" + Aaa));
        Assert.Equal(StackStatus.OutOfSync, evaluation.Status);
        Assert.Null(Single(evaluation).UpdateState);
    }

    [Theory]
    [InlineData(Aaa, DriftReason.None)]
    [InlineData(Ccc, DriftReason.ManualChange)]
    public void Known_applied_tag_tells_git_ahead_from_a_hand_change(string live, DriftReason expected)
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, applied: Aaa, Service("prod-web-1", Web + ":" + live));
        Assert.Equal(expected, Single(evaluation).Drift);
    }

    [Fact]
    public void No_service_matching_the_glob_is_missing()
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("staging-web-1", Web + ":" + Bbb));
        var service = Single(evaluation);
        Assert.Equal(DriftReason.Missing, service.Drift);
        Assert.Equal("prod-web*", service.Name);
        Assert.Null(service.ServiceId);
        Assert.Equal(StackStatus.Drifted, evaluation.Status);
    }

    [Fact]
    public void Registry_moving_an_immutable_tag_under_a_tag_at_digest_spec_is_tag_moved()
    {
        var moved = Registry().With(Web, Bbb, generation: 1, moved: true).Remember(Web, Bbb, 0);
        var evaluation = Evaluate(Stack(Bbb), moved, null, Service("prod-web-1", $"{Web}:{Bbb}@{DigestOf(Bbb, 0)}"));
        Assert.Equal(DriftReason.TagMoved, Single(evaluation).Drift);
        Assert.Equal(StackStatus.Drifted, evaluation.Status);
    }

    [Fact]
    public void Registry_moving_the_tag_of_a_digest_only_spec_is_tag_moved()
    {
        var moved = Registry().With(Web, Bbb, generation: 1, moved: true).Remember(Web, Bbb, 0);
        var evaluation = Evaluate(Stack(Bbb), moved, null, Service("prod-web-1", $"{Web}@{DigestOf(Bbb, 0)}"));
        Assert.Equal(DriftReason.TagMoved, Single(evaluation).Drift);
    }

    [Fact]
    public void Registry_moving_the_tag_of_a_tag_only_spec_is_tag_moved()
    {
        var moved = Registry().With(Web, Bbb, generation: 1, moved: true);
        var evaluation = Evaluate(Stack(Bbb), moved, null, Service("prod-web-1", $"{Web}:{Bbb}"));
        Assert.Equal(DriftReason.TagMoved, Single(evaluation).Drift);
    }

    [Fact]
    public void Tag_that_does_not_resolve_makes_the_stack_invalid_naming_the_service()
    {
        var facts = Registry().With(Web, Bbb).Missing(Worker, Bbb);
        var stack = Stack(Bbb, new ServiceSpec(Web, "prod-web*"), new ServiceSpec(Worker, "prod-worker*"));
        var evaluation = Evaluate(stack, facts, null, Service("prod-web-1", Web + ":" + Aaa), Service("prod-worker-1", Worker + ":" + Aaa));
        Assert.Equal(StackStatus.Invalid, evaluation.Status);
        Assert.Contains(Worker + ":" + Bbb, evaluation.Message);
    }

    [Fact]
    public void Mixed_services_in_one_stack_are_classified_each_on_its_own()
    {
        var stack = Stack(Bbb, new ServiceSpec(Web, "prod-*"), new ServiceSpec(Worker, "prod-*"));
        var evaluation = Evaluate(stack, Facts, null,
            Service("prod-web-1", Web + ":" + Bbb),
            Service("prod-worker-1", Worker + ":" + Aaa, previous: Worker + ":" + Bbb, Status("rollback_completed", origin: RollbackOrigin.Manual)));

        Assert.Equal(StackStatus.Drifted, evaluation.Status);
        Assert.Equal(DriftReason.None, evaluation.Services.Single(s => s.Name == "prod-web-1").Drift);
        Assert.Equal(DriftReason.EmergencyRollback, evaluation.Services.Single(s => s.Name == "prod-worker-1").Drift);
        Assert.Contains("prod-worker-1: emergency-rollback", evaluation.Message);
    }

    [Fact]
    public void A_glob_matching_several_replicas_yields_one_evaluation_each()
    {
        var evaluation = Evaluate(Stack(Bbb), Facts, null, Service("prod-web-a", Web + ":" + Bbb), Service("prod-web-b", Web + ":" + Bbb));
        Assert.Equal(2, evaluation.Services.Length);
        Assert.Equal(StackStatus.Synced, evaluation.Status);
    }

    [Fact]
    public void Observe_only_services_on_mutable_tags_are_watched_but_never_out_of_sync()
    {
        var stack = Stack(Bbb) with
        {
            ObserveOnly = [new ObservedServiceSpec(Legacy, "prod-legacy-worker*", "master")],
        };
        var facts = Registry().With(Web, Bbb).With(Legacy, "master", generation: 3, moved: true);
        var evaluation = Evaluate(stack, facts, null, Service("prod-web-1", Web + ":" + Bbb), Service("prod-legacy-worker-1", $"{Legacy}:master@{DigestOf("master", 0)}"));

        Assert.Equal(StackStatus.Synced, evaluation.Status);
        var legacy = evaluation.Services.Single(s => s.ObserveOnly);
        Assert.Equal(DriftReason.None, legacy.Drift);
        Assert.Equal("master", legacy.ExpectedTag);
    }

    [Fact]
    public void Observe_only_service_rolled_back_by_hand_shows_as_drift()
    {
        var stack = Stack(Bbb) with { ObserveOnly = [new ObservedServiceSpec(Legacy, "prod-legacy-worker*", "master")] };
        var evaluation = Evaluate(stack, Facts, null, Service("prod-web-1", Web + ":" + Bbb),
            Service("prod-legacy-worker-1", $"{Legacy}:v1", previous: $"{Legacy}:master", Status("rollback_completed", origin: RollbackOrigin.Manual)));
        Assert.Equal(DriftReason.EmergencyRollback, evaluation.Services.Single(s => s.ObserveOnly).Drift);
    }

    [Fact]
    public void Without_registry_facts_tags_alone_decide()
    {
        var evaluation = DriftClassifier.Evaluate(Stack(Bbb), null, new LiveIndex([Service("prod-web-1", Web + ":" + Bbb)]), NoImageFacts.Instance);
        Assert.Equal(StackStatus.Synced, evaluation.Status);
        Assert.Null(Single(evaluation).ExpectedDigest);
    }

    [Fact]
    public void Every_drift_value_is_a_contract_value()
    {
        Assert.Equal(["none", "emergency-rollback", "failed-update-rollback", "manual-change", "missing", "tag-moved"], DriftReasons.Spellings.Texts);
        Assert.Equal(["synced", "out-of-sync", "drifted", "held", "applying", "failed", "invalid"], StackStatuses.Spellings.Texts);
    }
}
