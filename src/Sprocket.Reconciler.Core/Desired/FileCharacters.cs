using System.Globalization;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Finds the characters a desired-state file may not hold anywhere, before YAML sees it: controls
/// other than tab, line feed and carriage return (YAML forbids them; YamlDotNet reads a NUL as the end
/// of input and reports a confusing syntax error instead), unpaired surrogates, the line and paragraph
/// separators (YAML 1.1 parsers break lines there, YAML 1.2 parsers do not, so tools would disagree on
/// what the file says) and bidirectional controls (text that displays other than it reads).
/// </summary>
internal static class FileCharacters
{
    public static void Report(string text, ErrorCollector errors)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                line++;
                column = 1;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (IsRefused(c) && !(i == 0 && c == '\uFEFF') && errors.Full)
            {
                errors.CountOnly();
            }
            else if (IsRefused(c) && !(i == 0 && c == '\uFEFF'))
            {
                errors.Add(new SourcePosition(line, column), FieldPath.Root,
                    $"the file contains {DisplayText.Name(c)} ({Describe(c)}); YAML files here may hold no control, separator or bidirectional characters");
            }

            column++;
        }
    }

    private static bool IsRefused(char c) => c switch
    {
        '\t' or '\n' or '\r' => false,
        '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => true,
        _ => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Surrogate
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator,
    };

    private static string Describe(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control => "a control character",
        UnicodeCategory.Surrogate => "half of a surrogate pair",
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line or paragraph separator",
        _ => "a bidirectional control",
    };
}
