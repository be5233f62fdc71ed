using System.Globalization;
using System.Text;

namespace Sprocket.Reconciler.Testing;

/// <summary>One line of a scrape: metric name, labels and value.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>True when every given label has the given value (other labels, such as <c>otel_scope_name</c>, are ignored).</summary>
    public bool Has(IEnumerable<KeyValuePair<string, string>> labels) =>
        labels.All(label => Labels.TryGetValue(label.Key, out var value) && value == label.Value);

    public override string ToString() =>
        $"{Name}{{{string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A parsed Prometheus text exposition (format 0.0.4), as the daemon's <c>/metrics</c> serves it.
/// Only what assertions need: samples by name and label subset. Comments (HELP/TYPE) are skipped.
/// </summary>
public sealed class MetricsScrape(IReadOnlyList<MetricSample> samples)
{
    public IReadOnlyList<MetricSample> Samples { get; } = samples;

    /// <summary>Samples named <paramref name="name"/> that carry all of <paramref name="labels"/> ("key", "value" pairs).</summary>
    public IReadOnlyList<MetricSample> Find(string name, params (string Key, string Value)[] labels)
    {
        var wanted = labels.Select(l => KeyValuePair.Create(l.Key, l.Value)).ToList();
        return Samples.Where(s => s.Name == name && s.Has(wanted)).ToList();
    }

    /// <summary>The value of the single matching sample, null when none matches; throws when several match.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels) =>
        Find(name, labels) switch
        {
            [] => null,
            [var only] => only.Value,
            var many => throw new InvalidOperationException(
                $"{many.Count} samples match {name} {string.Join(",", labels)}: {string.Join("; ", many)}"),
        };

    /// <summary>The samples of one metric, one per line, for assertion messages.</summary>
    public string Describe(string name) => string.Join("\n", Samples.Where(s => s.Name == name));

    public override string ToString() => string.Join("\n", Samples);
}

/// <summary>A parser for the Prometheus text format, small enough to trust by reading.</summary>
public static class PrometheusText
{
    public static MetricsScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<MetricSample>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            try
            {
                samples.Add(ParseSample(line));
            }
            catch (FormatException exception)
            {
                throw new FormatException($"line {lineNumber}: {exception.Message}: {line}", exception);
            }
        }

        return new MetricsScrape(samples);
    }

    private static MetricSample ParseSample(string line)
    {
        var position = 0;
        var name = ReadName(line, ref position);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (true)
            {
                SkipSpaces(line, ref position);
                if (Peek(line, position) == '}')
                {
                    position++;
                    break;
                }

                var key = ReadName(line, ref position);
                Expect(line, ref position, '=');
                labels[key] = ReadQuoted(line, ref position);
                SkipSpaces(line, ref position);
                if (Peek(line, position) == ',') position++;
                else if (Peek(line, position) != '}') throw new FormatException($"expected ',' or '}}' at column {position + 1}");
            }
        }

        // The value may be followed by an optional timestamp, which assertions do not need.
        var fields = line[position..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is 0 or > 2) throw new FormatException("expected a value and an optional timestamp");
        return new MetricSample(name, labels, ParseValue(fields[0]));
    }

    private static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new FormatException($"'{text}' is not a sample value"),
    };

    private static string ReadName(string line, ref int position)
    {
        var start = position;
        while (position < line.Length && (char.IsAsciiLetterOrDigit(line[position]) || line[position] is '_' or ':')) position++;
        if (position == start) throw new FormatException($"expected a name at column {start + 1}");
        return line[start..position];
    }

    private static string ReadQuoted(string line, ref int position)
    {
        Expect(line, ref position, '"');
        var value = new StringBuilder();
        while (true)
        {
            if (position >= line.Length) throw new FormatException("unterminated label value");
            var c = line[position++];
            if (c == '"') return value.ToString();
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (position >= line.Length) throw new FormatException("dangling escape in label value");
            var escaped = line[position++];
            value.Append(escaped switch
            {
                'n' => '\n',
                '\\' => '\\',
                '"' => '"',
                _ => throw new FormatException($"unknown escape '\\{escaped}' in label value"),
            });
        }
    }

    private static void Expect(string line, ref int position, char expected)
    {
        if (Peek(line, position) != expected) throw new FormatException($"expected '{expected}' at column {position + 1}");
        position++;
    }

    private static char? Peek(string line, int position) => position < line.Length ? line[position] : null;

    private static void SkipSpaces(string line, ref int position)
    {
        while (position < line.Length && line[position] == ' ') position++;
    }
}
