using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>What a write-back produced: the stack JSON's <c>incident.writeBack.kind</c>, the persisted state and the
/// outcome label of the write-back's reconcile record.</summary>
public enum WriteBackKind { Commit, PullRequest, NothingToDo, Superseded, Failed }

public static class WriteBackKinds
{
    public static SpellingTable<WriteBackKind> Spellings { get; } = new(
        (WriteBackKind.Commit, "commit"),
        (WriteBackKind.PullRequest, "pull-request"),
        (WriteBackKind.NothingToDo, "nothing-to-do"),
        (WriteBackKind.Superseded, "superseded"),
        (WriteBackKind.Failed, "failed"));

    public static string Spell(this WriteBackKind kind) => Spellings.Spell(kind);
}
