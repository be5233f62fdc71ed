using System.Globalization;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// A duration typed on a command line or in a HEALTHCHECK: <c>500ms</c>, <c>5s</c>, <c>1m</c> as Docker writes them, or a
/// .NET TimeSpan (<c>00:00:05</c>) as the configuration does. A bare number is refused: seconds or days is a guess.
/// Above zero and at most <see cref="Longest"/>.
/// </summary>
public static class CommandLineDuration
{
    public static TimeSpan? Parse(string text)
    {
        var value = text.Trim();
        foreach (var (suffix, unit) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(value[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                return double.IsFinite(amount) && amount * unit.TotalMilliseconds <= Longest.TotalMilliseconds
                    ? InRange(TimeSpan.FromMilliseconds(amount * unit.TotalMilliseconds))
                    : null;
        }
        return value.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span)
            ? InRange(span)
            : null;
    }

    // "ms" before "s": the longest suffix that matches wins.
    private static readonly (string Suffix, TimeSpan Unit)[] Units =
    [
        ("ms", TimeSpan.FromMilliseconds(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("m", TimeSpan.FromMinutes(1)),
    ];

    /// <summary>Longer than any health check would wait, and far below HttpClient's limit of about 24 days.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    private static TimeSpan? InRange(TimeSpan span) => span > TimeSpan.Zero && span <= Longest ? span : null;
}
