using System.Text;
using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// Removes credentials from free text that may leave this folder (libgit2 and CLI messages): every known secret
/// in every form it could take. Configured URLs are never scrubbed here but split by <see cref="RepositoryUrl"/>,
/// which libgit2 is given, so its texts quote no user info; the pattern below is only a second line for URLs
/// of unknown origin in such texts, and cannot know where a password with a raw space or '/' ends.
/// </summary>
internal static partial class SecretScrubber
{
    private const string Mask = "***";

    private static string RemoveUrlUserInfo(string text) => UrlUserInfo().Replace(text, "${scheme}");

    public static string Scrub(string text, IEnumerable<string> secrets)
    {
        var scrubbed = RemoveUrlUserInfo(text);
        foreach (var secret in secrets.Where(secret => secret.Length > 0))
            foreach (var form in SecretForms(secret))
                scrubbed = scrubbed.Replace(form, Mask, StringComparison.Ordinal);
        return scrubbed;
    }

    // The token could surface raw, URL-escaped, or inside the Basic header libgit2 builds from it.
    private static IEnumerable<string> SecretForms(string secret)
    {
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{GitCredentials.GitHubTokenUserName}:{secret}"));
        yield return Uri.EscapeDataString(secret);
        yield return secret;
    }

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/?#\s@]+@")]
    private static partial Regex UrlUserInfo();
}
