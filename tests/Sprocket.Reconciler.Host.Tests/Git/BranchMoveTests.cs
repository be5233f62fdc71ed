using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Host.Tests.Git;

/// <summary>
/// How the desired-state branch head moved, from the two heads and their merge base: only a force-push moves it
/// backwards (the new head is an ancestor of the old) or rewrites it (neither is an ancestor, or no shared history).
/// </summary>
public sealed class BranchMoveTests
{
    private const string Old = "1111111111111111111111111111111111111111";
    private const string New = "2222222222222222222222222222222222222222";
    private const string Base = "3333333333333333333333333333333333333333";

    [Fact]
    public void A_first_clone_or_an_unchanged_head_is_no_move()
    {
        Assert.Null(BranchMove.Classify(null, New, null));
        Assert.Null(BranchMove.Classify(Old, Old, Old));
        Assert.Null(BranchMove.Classify(Old, Old.ToUpperInvariant(), Old));
    }

    [Theory]
    [InlineData(Old, BranchMoveKind.FastForward, false, "fast-forward")]
    [InlineData(New, BranchMoveKind.Backwards, true, "backwards")]
    [InlineData(Base, BranchMoveKind.Rewritten, true, "rewritten")]
    [InlineData(null, BranchMoveKind.Rewritten, true, "rewritten")]
    public void The_merge_base_tells_a_push_from_a_force_push(string? mergeBase, BranchMoveKind kind, bool forced, string label)
    {
        var move = BranchMove.Classify(Old, New, mergeBase);

        Assert.Equal(new BranchMove(kind, Old, New), move);
        Assert.Equal((forced, label), (move!.IsForced, move.KindLabel));
    }
}
