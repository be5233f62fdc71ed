namespace Sprocket.Reconciler.Git;

/// <summary>One fetch's inputs, captured from the options at the moment the fetch starts.</summary>
internal sealed record FetchRequest(RepositoryLocation Location, string Branch, string Path, string? Token)
{
    public string BranchRef => "refs/heads/" + Branch;

    public string TrackingRef => "refs/remotes/origin/" + Branch;
}
