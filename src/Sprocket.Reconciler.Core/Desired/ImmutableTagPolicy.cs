using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Decides whether an image tag is immutable enough to apply. <c>main</c>, <c>master</c> and
/// <c>latest</c> are always mutable, whatever pattern a file sets: a permissive custom pattern must
/// not let a branch tag through, because applying it would not pin anything.
/// </summary>
public static partial class ImmutableTagPolicy
{
    public static IReadOnlySet<string> AlwaysMutableTags { get; } =
        new HashSet<string>(["main", "master", "latest"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Bounds a pathological pattern's backtracking: a tag check must never hang the daemon.</summary>
    public static TimeSpan MatchTimeout { get; } = TimeSpan.FromMilliseconds(250);

    public const string TagExpected =
        "letters, digits, '_', '.' and '-', starting with a letter, digit or '_', at most 128 characters";

    /// <summary>Docker's tag grammar.</summary>
    public static bool IsValidTagSyntax(string tag) => DockerTag().IsMatch(tag);

    /// <summary>Null when <paramref name="pattern"/> compiles, else the reason it does not.</summary>
    public static string? PatternProblem(string pattern)
    {
        if (pattern.Length == 0)
        {
            return "must not be empty";
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"{DisplayText.Quote(pattern)} is not a valid regular expression: {ex.Message}";
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Compiled = new(StringComparer.Ordinal);

    /// <summary>The file's <c>immutableTagPattern</c> as a regex, built once per distinct pattern.</summary>
    public static Regex Pattern(string pattern) =>
        Compiled.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant, MatchTimeout));

    /// <summary>True when the tag may be applied: not always-mutable and matched whole by the pattern.</summary>
    /// <exception cref="RegexMatchTimeoutException">When the pattern backtracks pathologically.</exception>
    public static bool IsImmutable(string tag, string pattern) =>
        !AlwaysMutableTags.Contains(tag) && MatchesWhole(Pattern(pattern), tag);

    /// <summary>
    /// True when the pattern's match covers the whole tag. A user's <c>^…$</c> would otherwise pass
    /// <c>"sha-abc1234\n"</c> (.NET's <c>$</c> also matches before a final newline), and an unanchored
    /// pattern would pass any tag that merely contains a match. Wrapping the pattern in <c>\A(?:…)\z</c>
    /// is not safe instead: an inline <c>(?x)</c> comment would swallow the closing anchor.
    /// </summary>
    /// <exception cref="RegexMatchTimeoutException">When the pattern backtracks pathologically.</exception>
    public static bool MatchesWhole(Regex pattern, string tag)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var match = pattern.Match(tag);
        return match.Success && match.Index == 0 && match.Length == tag.Length;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DockerTag();
}
