namespace Sprocket.Reconciler.StatusPages;

/// <summary>How long ago (or how far ahead) an instant is, in the words an on-call reads at a glance.</summary>
public static class Age
{
    public static string Describe(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        var future = span < TimeSpan.Zero;
        var text = Span(future ? -span : span);
        return text is null ? "just now" : future ? $"in {text}" : $"{text} ago";
    }

    /// <summary>A duration rounded to its two largest units: <c>3 h 12 min</c>; null under a second.</summary>
    public static string? Span(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => null,
        { TotalMinutes: < 1 } => $"{(int)span.TotalSeconds} s",
        { TotalHours: < 1 } => span.Seconds == 0 || span.TotalMinutes >= 10 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalMinutes} min {span.Seconds} s",
        { TotalDays: < 1 } => span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min",
        _ => span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h",
    };

    /// <summary>A duration as an apply took it: <c>850 ms</c>, <c>42 s</c>, <c>3 min 5 s</c>.</summary>
    public static string Duration(TimeSpan span) => span.TotalSeconds < 1 ? $"{(int)span.TotalMilliseconds} ms" : Span(span)!;

    /// <summary>The ISO 8601 text of an instant in UTC, to the second.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
