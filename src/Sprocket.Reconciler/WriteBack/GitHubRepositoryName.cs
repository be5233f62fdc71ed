using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>The owner and name of a GitHub repository, read from its https clone URL, and the API root that serves it.</summary>
internal sealed record GitHubRepositoryName(string Host, string Owner, string Name)
{
    public string FullName => $"{Owner}/{Name}";

    /// <summary>api.github.com for github.com; GitHub Enterprise Server serves its API under /api/v3/ of its own host.</summary>
    public Uri DefaultApiUrl => Host.Equals("github.com", StringComparison.OrdinalIgnoreCase)
        ? new Uri("https://api.github.com/")
        : new Uri($"https://{Host}/api/v3/");

    /// <summary><c>https://github.com/owner/repo(.git)</c>, with or without userinfo; null for anything else.</summary>
    public static GitHubRepositoryName? TryParse(string repository)
    {
        if (!Uri.TryCreate(SecretScrubber.RemoveUrlUserInfo(repository.Trim()), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http"))
            return null;
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length != 2 || segments.Any(segment => segment.Length == 0))
            return null;
        var name = segments[1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segments[1][..^4] : segments[1];
        return name.Length == 0 ? null : new GitHubRepositoryName(uri.Authority, segments[0], name);
    }
}
