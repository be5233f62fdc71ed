namespace Sprocket.Reconciler.Git;

/// <summary>One fetch's inputs, captured from the options at the moment the fetch starts.</summary>
internal sealed record FetchRequest(RepositoryLocation Location, string Branch, string Path, string? Token)
{
    /// <summary>The one remote the clone's config names; its URL is <see cref="RepositoryLocation.Url"/>.</summary>
    public const string RemoteName = "origin";

    public string BranchRef => "refs/heads/" + Branch;

    public string TrackingRef => $"refs/remotes/{RemoteName}/{Branch}";

    /// <summary>Every value that must be scrubbed from text leaving this folder.</summary>
    public IEnumerable<string> Secrets =>
        new[] { Token, Location.UrlCredentials?.Password, Location.UrlCredentials is { Password.Length: > 0 } written ? written.BasicParameter : null }
            .Where(secret => !string.IsNullOrEmpty(secret))!;

    // A record's generated ToString would print the token.
    public override string ToString() => $"{Location.Url} {Branch} {Path}";
}
