using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Core.Drift;

/// <summary>A service's drift class: <c>services[].drift</c> in the stack JSON and the <c>reason</c> metric label;
/// dashboards and alert rules match the spellings.</summary>
public enum DriftReason { None, EmergencyRollback, FailedUpdateRollback, ManualChange, Missing, TagMoved }

public static class DriftReasons
{
    public static SpellingTable<DriftReason> Spellings { get; } = new(
        (DriftReason.None, "none"),
        (DriftReason.EmergencyRollback, "emergency-rollback"),
        (DriftReason.FailedUpdateRollback, "failed-update-rollback"),
        (DriftReason.ManualChange, "manual-change"),
        (DriftReason.Missing, "missing"),
        (DriftReason.TagMoved, "tag-moved"));

    public static string Spell(this DriftReason reason) => Spellings.Spell(reason);
}
