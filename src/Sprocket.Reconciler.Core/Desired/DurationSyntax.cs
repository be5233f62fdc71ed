using System.Globalization;
using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Durations in the desired-state file. Two spellings are accepted: a .NET TimeSpan string
/// (<c>00:02:00</c>, <c>1.00:00:00</c>), as the daemon's own settings are written, and the compact
/// Go/Argo CD form (<c>2m</c>, <c>30s</c>, <c>1h30m</c>, <c>500ms</c>, <c>1.5h</c>) that the README's example uses.
/// </summary>
public static partial class DurationSyntax
{
    public const string Expected =
        "a .NET TimeSpan such as 00:02:00 or a compact duration such as 2m, 30s, 1h30m or 500ms";

    /// <summary>Text longer than this is never a sensible duration; bounds the work on hostile input.</summary>
    private const int MaxLength = 64;

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || text.Trim().Length != text.Length)
        {
            return false;
        }

        // A bare number is refused on purpose: TimeSpan.Parse("2") means two *days*, and a compact
        // duration without a unit is ambiguous. Requiring ':' or a unit removes the surprise.
        if (text.Contains(':'))
        {
            // The shape check comes first because TimeSpan.Parse reads "24:00:00" as 24 days.
            return ClockDuration().IsMatch(text) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        return text == "0" ? true : TryParseCompact(text, out value);
    }

    private static bool TryParseCompact(string text, out TimeSpan value)
    {
        value = default;
        var match = CompactDuration().Match(text);
        if (!match.Success)
        {
            return false;
        }

        decimal ticks = 0;
        var amounts = match.Groups["amount"].Captures;
        var units = match.Groups["unit"].Captures;
        for (var i = 0; i < amounts.Count; i++)
        {
            if (!decimal.TryParse(amounts[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            try
            {
                ticks += amount * TicksPer(units[i].Value);
            }
            catch (OverflowException)
            {
                return false;
            }

            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        var rounded = (long)decimal.Round(ticks, MidpointRounding.AwayFromZero);
        value = TimeSpan.FromTicks(match.Groups["sign"].Value == "-" ? -rounded : rounded);
        return true;
    }

    private static decimal TicksPer(string unit) => unit switch
    {
        "h" => TimeSpan.TicksPerHour,
        "m" => TimeSpan.TicksPerMinute,
        "s" => TimeSpan.TicksPerSecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
        "ns" => TimeSpan.TicksPerMicrosecond / 1000m,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown duration unit."),
    };

    // [-][d.]hh:mm[:ss[.fffffff]] with hours 0-23 and minutes/seconds 0-59.
    [GeneratedRegex(@"^-?(?:[0-9]+\.)?(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,7})?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ClockDuration();

    // Same grammar as Go's time.ParseDuration: a sign, then one or more decimal amounts each with a unit.
    [GeneratedRegex(@"^(?<sign>[-+]?)(?:(?<amount>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?<unit>ns|us|µs|μs|ms|s|m|h))+\z", RegexOptions.CultureInvariant)]
    private static partial Regex CompactDuration();
}
