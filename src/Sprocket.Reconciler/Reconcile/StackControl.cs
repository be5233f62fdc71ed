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
public sealed record StackReconcileRecord(DateTimeOffset At, string Trigger, string Outcome, string Message);

/// <summary>Values of <c>lastReconcile.outcome</c> and the <c>outcome</c> label of reconciles_total.</summary>
public static class ReconcileOutcome
{
    public const string None = "none";
    public const string Held = "held";
    public const string Waiting = "waiting";
    public const string Applying = "applying";
    public const string WritingBack = "writing-back";
    public const string WrittenBack = "written-back";
    public const string Invalid = "invalid";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string RolledBack = "rolled-back";
    public const string Locked = "locked";
    public const string Misconfigured = "misconfigured";
    public const string Cancelled = "cancelled";

    public static string Of(ApplyOutcome outcome) => outcome switch
    {
        ApplyOutcome.Succeeded => Succeeded,
        ApplyOutcome.Failed => Failed,
        ApplyOutcome.RolledBack => RolledBack,
        ApplyOutcome.Locked => Locked,
        ApplyOutcome.Misconfigured => Misconfigured,
        _ => Cancelled,
    };
}
