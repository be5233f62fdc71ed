using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>Why a stack is held: the stack JSON's <c>hold.reason</c>, the logs and the persisted state.</summary>
public enum HoldReason { Manual, EmergencyRollback, FailedUpdateRollback, Drift }

public static class HoldReasons
{
    public static SpellingTable<HoldReason> Spellings { get; } = new(
        (HoldReason.Manual, "manual"),
        (HoldReason.EmergencyRollback, "emergency-rollback"),
        (HoldReason.FailedUpdateRollback, "failed-update-rollback"),
        (HoldReason.Drift, "drift"));

    public static string Spell(this HoldReason reason) => Spellings.Spell(reason);
}
