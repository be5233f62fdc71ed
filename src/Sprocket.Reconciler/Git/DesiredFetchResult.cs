namespace Sprocket.Reconciler.Git;

/// <summary>The outcome of one fetch. <see cref="Repository"/> is always safe to show (no credentials).</summary>
public abstract record DesiredFetchResult(string Repository, string Branch)
{
    /// <summary>The file as committed at <paramref name="Revision"/> (full 40-hex commit id) of the branch head.</summary>
    public sealed record Fetched(string Repository, string Branch, string Revision, string Path, ReadOnlyMemory<byte> Content)
        : DesiredFetchResult(Repository, Branch);

    /// <summary>Why no file could be read; <paramref name="Message"/> is scrubbed of credentials and fit for the stack message.</summary>
    public sealed record Failed(string Repository, string Branch, DesiredFetchFailureReason Reason, string Message)
        : DesiredFetchResult(Repository, Branch);
}
