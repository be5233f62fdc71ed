using System.ComponentModel;
using System.Globalization;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// Checks one raw configuration value against the type of the option it binds to, and says what is wrong in
/// words an operator can act on. Stricter than the binder for durations: TimeSpan.Parse reads a bare "30" as
/// 30 days, which is never what someone writing PollInterval=30 meant.
/// </summary>
public static class SettingValue
{
    public const string DurationHint = "use hh:mm:ss, e.g. 00:00:30";

    /// <summary>Null when <paramref name="raw"/> converts to <paramref name="type"/>; otherwise one line naming <paramref name="key"/>.</summary>
    public static string? Problem(string key, Type type, string raw)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        // Strings take any value. An empty value is not skipped: the binder refuses it for every other type too.
        if (target == typeof(string)) return null;
        if (target == typeof(TimeSpan))
        {
            // Every duration has a colon (00:00:30, 1.00:00:00); without one, .NET would take the number as days.
            return raw.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out _)
                ? null
                : Describe(key, raw, $"is not a duration ({DurationHint})");
        }

        var converter = TypeDescriptor.GetConverter(target);
        if (!converter.CanConvertFrom(typeof(string))) return null;
        try
        {
            converter.ConvertFromInvariantString(raw);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException
            || ex.InnerException is FormatException or OverflowException)
        {
            return Describe(key, raw, Expected(target));
        }
    }

    private static string Expected(Type target) =>
        target == typeof(bool) ? "is not true or false"
        : target == typeof(int) || target == typeof(long) ? "is not a whole number"
        : target == typeof(double) || target == typeof(decimal) ? "is not a number"
        : target == typeof(Uri) ? "is not a URL"
        : target.IsEnum ? $"is not one of {string.Join(", ", Enum.GetNames(target))}"
        : $"is not a valid {target.Name}";

    /// <summary>The value is shown so the operator sees what was read, unless the key holds a secret.</summary>
    private static string Describe(string key, string raw, string what) =>
        IsSecret(key) ? $"{key}: the value {what}" : $"{key}: {DisplayText.Quote(raw)} {what}";

    public static bool IsSecret(string key)
    {
        var name = key[(key.LastIndexOf(':') + 1)..];
        return name.Contains("Token", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Secret", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Password", StringComparison.OrdinalIgnoreCase);
    }
}
