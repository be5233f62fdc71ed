namespace Sprocket.Reconciler.Git;

/// <summary>How the desired-state branch head moved since the previous fetch.</summary>
public enum BranchMoveKind
{
    /// <summary>The new head descends from the old one: an ordinary push.</summary>
    FastForward,

    /// <summary>The new head is an ancestor of the old one: the branch was force-pushed back to an older revision.</summary>
    Backwards,

    /// <summary>Neither descends from the other (or they share no history): the branch was rewritten and force-pushed.</summary>
    Rewritten,
}

/// <summary>The branch head moved from <paramref name="From"/> to <paramref name="To"/> (full commit ids).</summary>
public sealed record BranchMove(BranchMoveKind Kind, string From, string To)
{
    /// <summary>True for a move no ordinary push makes: someone force-pushed, and the agent must say so.</summary>
    public bool IsForced => Kind != BranchMoveKind.FastForward;

    /// <summary>
    /// Classifies a move from the two heads and their merge base (null when they share no history). Null when there
    /// was no previous head (a first clone) or the head did not move.
    /// </summary>
    public static BranchMove? Classify(string? from, string to, string? mergeBase)
    {
        if (from is null || string.Equals(from, to, StringComparison.OrdinalIgnoreCase)) return null;
        var kind = string.Equals(mergeBase, from, StringComparison.OrdinalIgnoreCase) ? BranchMoveKind.FastForward
            : string.Equals(mergeBase, to, StringComparison.OrdinalIgnoreCase) ? BranchMoveKind.Backwards
            : BranchMoveKind.Rewritten;
        return new BranchMove(kind, from, to);
    }

    /// <summary>The metric label and timeline word: fast-forward, backwards, rewritten.</summary>
    public string KindLabel => Kind switch
    {
        BranchMoveKind.FastForward => "fast-forward",
        BranchMoveKind.Backwards => "backwards",
        BranchMoveKind.Rewritten => "rewritten",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };
}
