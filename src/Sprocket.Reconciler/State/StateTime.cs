using System.Globalization;

namespace Sprocket.Reconciler.State;

/// <summary>
/// Timestamps are stored as UTC ISO-8601 text with a fixed width, so that they sort as text
/// and stay readable with the sqlite3 shell.
/// </summary>
public static class StateTime
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        new(DateTime.ParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
