using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Core.Drift;

/// <summary>A stack's verdict: the stack JSON's <c>status</c> and the <c>status</c> label of the stack gauge.</summary>
public enum StackStatus { Synced, OutOfSync, Drifted, Held, Applying, Failed, Invalid }

public static class StackStatuses
{
    public static SpellingTable<StackStatus> Spellings { get; } = new(
        (StackStatus.Synced, "synced"),
        (StackStatus.OutOfSync, "out-of-sync"),
        (StackStatus.Drifted, "drifted"),
        (StackStatus.Held, "held"),
        (StackStatus.Applying, "applying"),
        (StackStatus.Failed, "failed"),
        (StackStatus.Invalid, "invalid"));

    public static string Spell(this StackStatus status) => Spellings.Spell(status);
}
