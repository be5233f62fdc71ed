namespace Sprocket.Reconciler.Git;

/// <summary>The outcome of one fetch. <see cref="Repository"/> is always safe to show (no credentials).</summary>
public abstract record DesiredFetchResult(string Repository, string Branch)
{
    /// <summary>How the branch head moved since the clone last pointed at it (null: first clone, or unchanged). Set
    /// by every fetch that reached the clone's commit, whatever its file (a <see cref="Failed"/> file-missing too).</summary>
    public BranchMove? Move { get; init; }

    /// <summary>
    /// The file as committed at <paramref name="Revision"/> (full 40-hex commit id) of the branch head.
    /// <paramref name="BlobId"/> is the file's git object id: equal ids mean equal content, so a verdict on the
    /// content can be remembered by it across polls and commits.
    /// </summary>
    public sealed record Fetched(string Repository, string Branch, string Revision, string Path, string BlobId, ReadOnlyMemory<byte> Content)
        : DesiredFetchResult(Repository, Branch);

    /// <summary>
    /// The file at <paramref name="Revision"/> is <paramref name="Size"/> bytes, more than a desired-state file may
    /// hold; it was not read. A revision problem rather than a fetch failure: the commit is there, its file is bad.
    /// </summary>
    public sealed record TooLarge(string Repository, string Branch, string Revision, string Path, string BlobId, long Size)
        : DesiredFetchResult(Repository, Branch);

    /// <summary>Why no file could be read; <paramref name="Message"/> is scrubbed of credentials and fit for the stack message.</summary>
    public sealed record Failed(string Repository, string Branch, DesiredFetchFailureReason Reason, string Message)
        : DesiredFetchResult(Repository, Branch);
}
