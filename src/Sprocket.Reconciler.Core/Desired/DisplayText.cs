using System.Globalization;
using System.Text;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Makes text from a file safe to put in an error message that ends up in a terminal, a log line or a
/// status page. Raw control characters could forge output (an embedded line feed printed a fake
/// "valid" line) or run terminal escape sequences, and a megabyte-long value would bury everything
/// else; so invisible characters are named (<c>&lt;U+001B&gt;</c>) and long values are cut.
/// </summary>
public static class DisplayText
{
    /// <summary>Values longer than this are cut in messages: the longest a repository may be (255) still shows whole.</summary>
    public const int MaxShownValue = 256;

    /// <summary>Backstop for whole messages and field paths, which may hold several values or a hostile key.</summary>
    public const int MaxShownText = 1_000;

    /// <summary>A file value quoted for a message: escaped, and cut with its full length noted when long.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= MaxShownValue
            ? $"'{Escape(value)}'"
            : $"'{Escape(value[..MaxShownValue])}…' ({value.Length:N0} characters)";
    }

    /// <summary>Names every character that would not show as itself, and cuts text past <see cref="MaxShownText"/>.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cut = text.Length > MaxShownText;
        var shown = cut ? text[..MaxShownText] : text;
        if (!cut && !shown.Any(c => IsInvisible(c)))
        {
            return shown;
        }

        var builder = new StringBuilder(shown.Length + 16);
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1]);
            if (paired)
            {
                builder.Append(c).Append(shown[++i]);
            }
            else if (IsInvisible(c))
            {
                builder.Append('<').Append(Name(c)).Append('>');
            }
            else
            {
                builder.Append(c);
            }
        }

        return cut ? builder.Append($"… ({text.Length:N0} characters)").ToString() : builder.ToString();
    }

    /// <summary>The character's code point as Unicode writes it, e.g. <c>U+0000</c>.</summary>
    public static string Name(char c) => $"U+{(int)c:X4}";

    /// <summary>
    /// Controls (C0, DEL, C1), format characters (bidi overrides, zero-width), line and paragraph
    /// separators, and unpaired surrogates: none shows as itself.
    /// </summary>
    public static bool IsInvisible(char c) => char.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
}
