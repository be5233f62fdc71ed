using System.Security.Cryptography;
using System.Text;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// The configured repository resolved for use: what libgit2 fetches from, the name safe to show anywhere
/// (no userinfo), and the clone directory, which depends only on that safe name so that rotating a
/// credential embedded in the URL never orphans the clone.
/// </summary>
internal sealed record RepositoryLocation(string FetchUrl, string DisplayName, string CloneDirectory)
{
    private static readonly string[] SupportedSchemes = ["http", "https", "file", "git"];

    public static RepositoryLocation Resolve(string repository, string dataDirectory)
    {
        var fetchUrl = IsUrl(repository) ? repository.Trim() : Path.TrimEndingDirectorySeparator(Path.GetFullPath(repository.Trim()));
        var displayName = SecretScrubber.RemoveUrlUserInfo(fetchUrl);
        var cloneDirectory = Path.Combine(Path.GetFullPath(dataDirectory), "desired", StableHash(displayName));
        return new RepositoryLocation(fetchUrl, displayName, cloneDirectory);
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
