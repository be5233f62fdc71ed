using System.Globalization;
using System.Text.RegularExpressions;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>Go-style duration strings as the docker provider takes them (<c>1s</c>, <c>500ms</c>, <c>1m30s</c>).</summary>
public static partial class Durations
{
    public static TimeSpan Parse(string text)
    {
        var total = TimeSpan.Zero;
        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(match => match.Value)) != text)
        {
            throw new FormatException($"time: invalid duration \"{text}\"");
        }

        foreach (Match match in matches)
        {
            var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            total += match.Groups[2].Value switch
            {
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }

        return total;
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
