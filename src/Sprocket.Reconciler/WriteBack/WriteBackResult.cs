namespace Sprocket.Reconciler.WriteBack;

/// <summary>How a write-back ended. Messages never carry a credential.</summary>
public abstract record WriteBackResult
{
    private WriteBackResult()
    {
    }

    /// <summary>A commit naming the good tag was pushed to the desired-state branch.</summary>
    public sealed record Committed(string Sha, string Branch) : WriteBackResult;

    /// <summary>A pull request carries the change (<c>writeBack: pull-request</c>).</summary>
    public sealed record PullRequestReady(int Number, string Url, string Branch, PullRequestAction Action) : WriteBackResult;

    /// <summary>Nothing was written: git already names the good tag, or the stack's policy is <c>writeBack: none</c>.</summary>
    public sealed record NothingToDo(string Reason) : WriteBackResult;

    /// <summary>
    /// Git now names <paramref name="TagInGit"/>, neither the bad nor the good tag: a human has decided, and a
    /// write-back must not overwrite it.
    /// </summary>
    public sealed record Superseded(string TagInGit, string Revision) : WriteBackResult;

    public sealed record Failed(string Message) : WriteBackResult;
}

public enum PullRequestAction
{
    /// <summary>A new pull request was opened.</summary>
    Opened,

    /// <summary>The incident's open pull request now names a newer live tag.</summary>
    Updated,

    /// <summary>The incident's open pull request already names the good tag; nothing changed.</summary>
    AlreadyOpen,
}
