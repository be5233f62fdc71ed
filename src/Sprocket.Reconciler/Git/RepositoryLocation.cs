using System.Security.Cryptography;
using System.Text;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// The configured repository resolved for use. <see cref="Url"/> never carries userinfo: it is what libgit2
/// is given, what the clone's config stores, what logs and tags show, and what the clone directory is
/// hashed from (so rotating a credential never orphans the clone). Credentials written into the configured
/// URL are kept apart in <see cref="UrlCredentials"/> and offered only through the credentials callback.
/// </summary>
internal sealed record RepositoryLocation(string Url, UrlCredentials? UrlCredentials, string CloneDirectory)
{
    private static readonly string[] SupportedSchemes = ["http", "https", "file", "git"];

    public bool IsLocalPath => !RepositoryUrl.IsUrl(Url);

    public static RepositoryLocation Resolve(string repository, string dataDirectory)
    {
        var value = repository.Trim();
        var isUrl = RepositoryUrl.IsUrl(value);
        var url = isUrl ? RepositoryUrl.Shown(value) : Path.TrimEndingDirectorySeparator(Path.GetFullPath(value));
        var cloneDirectory = Path.Combine(Path.GetFullPath(dataDirectory), "desired", StableHash(url));
        return new RepositoryLocation(url, isUrl ? UrlCredentials.FromUserInfo(value) : null, cloneDirectory);
    }

    /// <summary>Why the value cannot be fetched with LibGit2Sharp, or null when it can.</summary>
    public static string? DescribeUnsupported(string repository)
    {
        var value = repository.Trim();
        if (RepositoryUrl.Scheme(value) is { } scheme)
        {
            if (scheme == "ssh")
                return "uses ssh, which LibGit2Sharp cannot speak: use its https URL with Reconciler:GitHub:Token.";
            // The URL libgit2 will be given is the shown one: whatever the credentials hold, they cannot make it invalid.
            var shown = RepositoryUrl.Shown(value);
            return SupportedSchemes.Contains(scheme) && Uri.TryCreate(shown, UriKind.Absolute, out _)
                ? null
                : $"'{shown}' is not an http(s), file:// or git:// URL.";
        }

        // scp-like "git@github.com:owner/repo.git" is ssh in disguise; a local path never has '@' before ':'.
        var colon = value.IndexOf(':');
        var at = value.IndexOf('@');
        if (colon > 0 && at >= 0 && at < colon)
            return "looks like an scp-style ssh address, which LibGit2Sharp cannot speak: use its https URL with Reconciler:GitHub:Token.";
        return null;
    }

    private static string StableHash(string displayName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(displayName)))[..16];
}
