namespace Sprocket.Reconciler.WriteBack;

/// <summary><c>Reconciler:WriteBack</c>: who write-back commits are from and how often a raced push is redone.</summary>
public sealed class WriteBackOptions
{
    public const string SectionName = "Reconciler:WriteBack";

    /// <summary>Author and committer name of write-back commits.</summary>
    public string AuthorName { get; set; } = "Sprocket Reconciler";

    /// <summary>Author and committer email of write-back commits.</summary>
    public string AuthorEmail { get; set; } = "reconciler@sprocket.invalid";

    /// <summary>
    /// How many times <c>writeBack: commit</c> fetches, redoes the edit and pushes when the branch moved under it
    /// (a non-fast-forward). Never forced: after this many races the write-back fails and is tried again later.
    /// </summary>
    public int MaxPushAttempts { get; set; } = 3;
}
