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

    public bool IsLocalPath => !IsUrl(Url);

    public static RepositoryLocation Resolve(string repository, string dataDirectory)
    {
        var value = repository.Trim();
        var isUrl = IsUrl(value);
        var url = isUrl ? SecretScrubber.RemoveUrlUserInfo(value) : Path.TrimEndingDirectorySeparator(Path.GetFullPath(value));
        var cloneDirectory = Path.Combine(Path.GetFullPath(dataDirectory), "desired", StableHash(url));
        return new RepositoryLocation(url, isUrl ? UrlCredentials.FromUserInfo(value) : null, cloneDirectory);
    }

    /// <summary>Why the value cannot be fetched with LibGit2Sharp, or null when it can.</summary>
    public static string? DescribeUnsupported(string repository)
    {
        var value = repository.Trim();
        if (IsUrl(value))
        {
            var scheme = value[..value.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant();
            if (scheme == "ssh")
                return "uses ssh, which LibGit2Sharp cannot speak: use its https URL with Reconciler:GitHub:Token.";
            return SupportedSchemes.Contains(scheme) && Uri.TryCreate(value, UriKind.Absolute, out _)
                ? null
                : $"'{SecretScrubber.RemoveUrlUserInfo(value)}' is not an http(s), file:// or git:// URL.";
        }

        // scp-like "git@github.com:owner/repo.git" is ssh in disguise; a local path never has '@' before ':'.
        var colon = value.IndexOf(':');
        var at = value.IndexOf('@');
        if (colon > 0 && at >= 0 && at < colon)
            return "looks like an scp-style ssh address, which LibGit2Sharp cannot speak: use its https URL with Reconciler:GitHub:Token.";
        return null;
    }

    private static bool IsUrl(string value) => value.Contains("://", StringComparison.Ordinal);

    private static string StableHash(string displayName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(displayName)))[..16];
}
