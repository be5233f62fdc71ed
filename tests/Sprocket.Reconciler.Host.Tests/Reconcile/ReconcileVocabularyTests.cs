using Sprocket.Reconciler.Core.Vocabulary;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Reconcile;

/// <summary>The shell's vocabularies are contract too (<c>lastReconcile</c>, metric labels, the stack message): pinned
/// in contract order, every member with exactly one word that leads back to it.</summary>
public sealed class ReconcileVocabularyTests
{
    [Fact]
    public void Reconcile_outcomes_are_spelled_as_the_contract_says() =>
        AssertTable(ReconcileOutcomes.Spellings,
        [
            "none", "held", "waiting", "applying", "writing-back", "written-back", "invalid", "succeeded", "failed", "rolled-back",
            "locked", "misconfigured", "cancelled", "observed", "error",
        ]);

    [Fact]
    public void Reconcile_triggers_are_spelled_as_the_contract_says() =>
        AssertTable(ReconcileTriggers.Spellings, ["startup", "poll", "event", "resync", "api", "webhook", "apply", "retry"]);

    [Fact]
    public void Desired_state_problems_are_spelled_as_the_contract_says() =>
        AssertTable(DesiredStateProblemKinds.Spellings, ["fetch-failed", "invalid"]);

    [Fact]
    public void Stack_event_kinds_are_spelled_as_the_contract_says() =>
        AssertTable(Sprocket.Reconciler.State.StackEventKinds.Spellings,
        [
            "drift-seen", "emergency-rollback", "hold", "resume", "stabilization-started", "stabilization-reset",
            "write-back-commit", "write-back-pull-request", "write-back-superseded", "write-back-failed", "write-back-nothing-to-do",
            "aligned", "apply-started", "apply-succeeded", "apply-failed", "circuit-open", "desired-rejected", "synced", "desired-branch-force-pushed",
        ]);

    [Theory]
    [InlineData(ApplyOutcome.Succeeded, ReconcileOutcome.Succeeded)]
    [InlineData(ApplyOutcome.Failed, ReconcileOutcome.Failed)]
    [InlineData(ApplyOutcome.RolledBack, ReconcileOutcome.RolledBack)]
    [InlineData(ApplyOutcome.Locked, ReconcileOutcome.Locked)]
    [InlineData(ApplyOutcome.Misconfigured, ReconcileOutcome.Misconfigured)]
    [InlineData(ApplyOutcome.Cancelled, ReconcileOutcome.Cancelled)]
    public void An_apply_outcome_publishes_as_its_reconcile_outcome(ApplyOutcome apply, ReconcileOutcome expected) =>
        Assert.Equal(expected, ReconcileOutcome.Of(apply));

    private static void AssertTable<T>(SpellingTable<T> table, string[] words) where T : struct, Enum
    {
        Assert.Equal(words, table.Texts);
        Assert.Equal(Enum.GetValues<T>().Order(), table.Values.Order());
        foreach (var value in table.Values)
        {
            Assert.True(table.TryParse(table.Spell(value), out var parsed));
            Assert.Equal(value, parsed);
        }
    }
}
