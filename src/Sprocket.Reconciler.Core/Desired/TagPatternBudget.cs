using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// The file's <c>immutableTagPattern</c> with one matching-time budget for the whole file. A per-match
/// timeout alone lets a pathological pattern cost the timeout once per stack (200 stacks × 250 ms), so
/// each match may use only what earlier matches left. This measures elapsed time with a monotonic
/// timer: the one place the parser looks at time, and only to stop work, never to decide validity of a
/// file whose pattern behaves.
/// </summary>
internal sealed class TagPatternBudget(string pattern)
{
    /// <summary>All matching of one file together; a sane pattern needs microseconds per tag.</summary>
    public static TimeSpan Total => ImmutableTagPolicy.MatchTimeout;

    private TimeSpan _remaining = Total;

    public string Pattern { get; } = pattern;

    /// <summary>Where the budget ran out (a field path), or null while it lasts.</summary>
    public string? ExhaustedAt { get; private set; }

    /// <summary>Whether the pattern matches the whole tag; null once the budget is spent (nothing more is matched).</summary>
    public bool? MatchesWhole(string tag, string fieldPath)
    {
        if (ExhaustedAt is not null)
        {
            return null;
        }

        if (_remaining <= TimeSpan.Zero)
        {
            ExhaustedAt = fieldPath;
            return null;
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            // Built per match because the timeout is fixed at construction; parsing a short pattern is cheap.
            var regex = new Regex(Pattern, RegexOptions.CultureInvariant, _remaining);
            return ImmutableTagPolicy.MatchesWhole(regex, tag);
        }
        catch (RegexMatchTimeoutException)
        {
            ExhaustedAt = fieldPath;
            return null;
        }
        finally
        {
            _remaining -= Stopwatch.GetElapsedTime(start);
        }
    }
}
