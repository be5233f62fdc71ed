using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>Why the newest desired state is not in force, as the stack message, the status page and <c>diff</c> word it.</summary>
public enum DesiredStateProblemKind { FetchFailed, Invalid }

public static class DesiredStateProblemKinds
{
    public static SpellingTable<DesiredStateProblemKind> Spellings { get; } = new(
        (DesiredStateProblemKind.FetchFailed, "fetch-failed"),
        (DesiredStateProblemKind.Invalid, "invalid"));

    public static string Spell(this DesiredStateProblemKind kind) => Spellings.Spell(kind);
}
