using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// What <c>pulumi.program</c> may hold: what the daemon's git client (LibGit2Sharp) can fetch, and
/// nothing git or the Pulumi CLI would read as an option. Checked here so that a bad value rejects the
/// commit instead of failing later at apply time.
/// </summary>
internal static partial class ProgramSourceSyntax
{
    public const string RepositoryExpected =
        "an http(s)://, git:// or file:// URL, or a local path, e.g. https://github.com/org/repo.git";

    public const string RefExpected =
        "a branch, tag or commit id of letters, digits and '.', '_', '-', '/', not starting with '-' or '/', without '..' or '//'";

    private static readonly string[] FetchableSchemes = ["http", "https", "git", "file"];

    /// <summary>Null when the daemon can fetch it, else why not.</summary>
    public static string? RepositoryProblem(string repository)
    {
        if (StartsLikeAnOption(repository) is { } option)
        {
            return option;
        }

        if (repository.Trim().Length != repository.Length)
        {
            return $"{DisplayText.Quote(repository)} has leading or trailing spaces; expected {RepositoryExpected}";
        }

        // git's "transport::address" runs a remote helper (ext:: runs any command).
        var helper = repository.IndexOf("::", StringComparison.Ordinal);
        if (helper > 0 && !repository[..helper].Contains('/', StringComparison.Ordinal))
        {
            return $"{DisplayText.Quote(repository)} names a git remote helper ('{DisplayText.Escape(repository[..helper])}::'), which can run commands; expected {RepositoryExpected}";
        }

        var schemeEnd = repository.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var scheme = repository[..schemeEnd].ToLowerInvariant();
            if (scheme.Contains("ssh", StringComparison.Ordinal))
            {
                return $"{DisplayText.Quote(repository)} uses ssh, which the daemon's git client cannot speak; use the https URL (the daemon authenticates with its GitHub token)";
            }

            return FetchableSchemes.Contains(scheme) && Uri.TryCreate(repository, UriKind.Absolute, out _)
                ? null
                : $"{DisplayText.Quote(repository)} is not a URL the daemon can fetch; expected {RepositoryExpected}";
        }

        // git reads "host:path" and "user@host:path" as ssh (scp syntax) when no '/' comes before the ':'.
        var colon = repository.IndexOf(':');
        var slash = repository.IndexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash) && !IsWindowsDrive(repository))
        {
            return $"{DisplayText.Quote(repository)} is an scp-style ssh address, which the daemon's git client cannot speak; use the https URL";
        }

        return null;
    }

    /// <summary>Null when <paramref name="reference"/> is a usable git ref or commit id, else why not.</summary>
    public static string? RefProblem(string reference) =>
        StartsLikeAnOption(reference)
        ?? (GitRef().IsMatch(reference) && !reference.Contains("..", StringComparison.Ordinal)
            && !reference.Contains("//", StringComparison.Ordinal) && !reference.EndsWith(".lock", StringComparison.Ordinal)
            ? null
            : $"{DisplayText.Quote(reference)} is not a usable git ref; expected {RefExpected}");

    /// <summary>
    /// Values are passed to git and the Pulumi CLI as arguments; one that starts with '-' would be read
    /// as an option (<c>--upload-pack=…</c> runs a program), so no field may start with it.
    /// </summary>
    public static string? StartsLikeAnOption(string value) =>
        value.StartsWith('-')
            ? $"{DisplayText.Quote(value)} starts with '-', so a command would read it as an option; no value may start with '-'"
            : null;

    private static bool IsWindowsDrive(string path) => path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':';

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._/-]*(?<![./])\z", RegexOptions.CultureInvariant)]
    private static partial Regex GitRef();
}
