using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// What the acting side concluded for a stack: the status to publish (held, failed, applying override the
/// observed one), the remembered runtime state, the last reconcile and when the stack was last seen synced.
/// </summary>
public sealed record StackControl(
    StackStatus Status,
    string Message,
    StackRuntimeState State,
    StackReconcileRecord? LastReconcile,
    bool Applying,
    DateTimeOffset? LastSyncedAt);

/// <summary>The contract's <c>lastReconcile</c>: when, what triggered it, how it ended, and why.</summary>
public sealed record StackReconcileRecord(DateTimeOffset At, ReconcileTrigger Trigger, ReconcileOutcome Outcome, string Message);
