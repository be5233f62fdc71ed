using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>How a reconcile (or an evaluation) ended: <c>lastReconcile.outcome</c> in the stack JSON and the
/// <c>outcome</c> label of reconciles_total and of the apply duration.</summary>
public enum ReconcileOutcome
{
    None, Held, Waiting, Applying, WritingBack, WrittenBack, Invalid, Succeeded, Failed, RolledBack, Locked, Misconfigured, Cancelled,
    /// <summary>An evaluation pass that only observed (no stack acted on yet).</summary>
    Observed,
    /// <summary>An evaluation pass that could not read the Swarm.</summary>
    Error,
}

public static class ReconcileOutcomes
{
    public static SpellingTable<ReconcileOutcome> Spellings { get; } = new(
        (ReconcileOutcome.None, "none"),
        (ReconcileOutcome.Held, "held"),
        (ReconcileOutcome.Waiting, "waiting"),
        (ReconcileOutcome.Applying, "applying"),
        (ReconcileOutcome.WritingBack, "writing-back"),
        (ReconcileOutcome.WrittenBack, "written-back"),
        (ReconcileOutcome.Invalid, "invalid"),
        (ReconcileOutcome.Succeeded, "succeeded"),
        (ReconcileOutcome.Failed, "failed"),
        (ReconcileOutcome.RolledBack, "rolled-back"),
        (ReconcileOutcome.Locked, "locked"),
        (ReconcileOutcome.Misconfigured, "misconfigured"),
        (ReconcileOutcome.Cancelled, "cancelled"),
        (ReconcileOutcome.Observed, "observed"),
        (ReconcileOutcome.Error, "error"));

    public static string Spell(this ReconcileOutcome outcome) => Spellings.Spell(outcome);

    extension(ReconcileOutcome)
    {
        /// <summary>The reconcile outcome an apply's own outcome publishes as.</summary>
        public static ReconcileOutcome Of(ApplyOutcome outcome) => outcome switch
        {
            ApplyOutcome.Succeeded => ReconcileOutcome.Succeeded,
            ApplyOutcome.Failed => ReconcileOutcome.Failed,
            ApplyOutcome.RolledBack or ApplyOutcome.RolledBackByOnCall => ReconcileOutcome.RolledBack,
            ApplyOutcome.Locked => ReconcileOutcome.Locked,
            ApplyOutcome.Misconfigured => ReconcileOutcome.Misconfigured,
            // Nothing was applied; it is retried once the registry answers.
            ApplyOutcome.RegistryUnavailable => ReconcileOutcome.Waiting,
            _ => ReconcileOutcome.Cancelled,
        };
    }
}
