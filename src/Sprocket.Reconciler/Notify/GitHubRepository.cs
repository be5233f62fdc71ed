namespace Sprocket.Reconciler.Notify;

/// <summary>
/// The GitHub repository that holds the desired state, as parsed from its https clone URL
/// (<c>https://github.com/OWNER/REPO</c>, optionally ending in <c>.git</c> or <c>/</c>). <see cref="Host"/> is kept so a
/// GitHub Enterprise repository is not sent to github.com.
/// </summary>
public sealed record GitHubRepository(string Host, string Owner, string Name)
{
    /// <summary>
    /// Parses an https URL with exactly two path segments. Credentials in the URL are ignored (never kept), so a URL
    /// holding a token can be passed as is. Anything else (ssh, local paths, extra segments) gives null.
    /// </summary>
    /// <param name="allowPlainHttp">Also accept <c>http://</c>: only where the URL merely names the repository and the
    /// API address is configured on its own (the write-back), never where requests follow the URL's scheme.</param>
    public static GitHubRepository? TryParse(string? url, bool allowPlainHttp = false)
    {
        if (string.IsNullOrWhiteSpace(url)
            // Without its user info first: a raw '/' or '#' in a password would otherwise become the path or fragment.
            || !Uri.TryCreate(Git.RepositoryUrl.Shown(url.Trim()), UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (allowPlainHttp && uri.Scheme == Uri.UriSchemeHttp))
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment))
        {
            return null;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != 2) return null;

        var owner = Uri.UnescapeDataString(segments[0]);
        var name = Uri.UnescapeDataString(segments[1]);
        if (name.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) name = name[..^4];
        return IsValidPart(owner) && IsValidPart(name) ? new GitHubRepository(uri.IdnHost.ToLowerInvariant(), owner, name) : null;
    }

    // GitHub owner and repository names use letters, digits, '-', '_' and '.'; rejecting anything else keeps a
    // strange URL from turning into a request path.
    private static bool IsValidPart(string part) =>
        part.Length > 0 && part != "." && part != ".." && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public string FullName => $"{Owner}/{Name}";

    public override string ToString() => FullName;
}
