using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>Everything one <c>writeBack: commit</c> needs, captured from the options when it starts.</summary>
internal sealed record CommitPlan(
    FetchRequest Remote,
    string CloneDirectory,
    WriteBackRequest Request,
    string AuthorName,
    string AuthorEmail,
    int MaxPushAttempts)
{
    /// <summary>Where the commit to push is parked in the write-back clone; the push names it as its source.</summary>
    public const string OutgoingRef = "refs/sprocket/writeback";

    // A record's generated ToString would print the token inside FetchRequest's.
    public override string ToString() => $"{Remote} {Request.Stack}";
}
