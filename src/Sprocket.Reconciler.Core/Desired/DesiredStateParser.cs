using System.Text;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Parses and validates a desired-state file (for users: README.md, "The desired-state file"). Pure: text in, result out. The whole file
/// is checked and every error collected; any error rejects the file as a unit, so the caller keeps
/// the last good state in force. Never throws on bad input.
/// </summary>
public static class DesiredStateParser
{
    /// <summary>Files above 1 MiB are refused before decoding: no real desired state is that big.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses raw file bytes (UTF-8, optional BOM), checking the size limit first.</summary>
    public static DesiredStateParseResult ParseBytes(string fileName, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxFileBytes)
        {
            return WholeFileError(fileName, TooLarge);
        }

        if (utf8.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return WholeFileError(fileName, "the file is not valid UTF-8");
        }

        return ParseText(fileName, text);
    }

    /// <summary>Parses file text; the size limit applies to its UTF-8 length.</summary>
    public static DesiredStateParseResult Parse(string fileName, string yamlText)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(yamlText);
        }
        catch (EncoderFallbackException)
        {
            return WholeFileError(fileName, "the text is not valid Unicode (it holds a lone surrogate)");
        }

        return byteCount > MaxFileBytes ? WholeFileError(fileName, TooLarge) : ParseText(fileName, yamlText);
    }

    /// <summary>
    /// The verdict on a file whose size is known without reading it (a git object header): too large, naming the
    /// size and the limit. For a caller that refuses to read such a file at all.
    /// </summary>
    public static DesiredStateParseResult FileTooLarge(string fileName, long byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(byteCount, MaxFileBytes);
        return WholeFileError(fileName, $"the file is {byteCount:N0} bytes, over the limit of {MaxFileBytes:N0} bytes (1 MiB); it was not read");
    }

    /// <summary>Says "more than", not a size: a caller may read only the first <see cref="MaxFileBytes"/> + 1 bytes.</summary>
    private static string TooLarge => $"the file has more than {MaxFileBytes:N0} bytes (1 MiB), the limit";

    private static DesiredStateParseResult ParseText(string fileName, string yamlText)
    {
        var errors = new ErrorCollector(fileName);
        FileCharacters.Report(yamlText, errors);
        if (errors.HasErrors)
        {
            // YamlDotNet would stop at a NUL or break lines where other tools do not: its reading is not to be trusted.
            return DesiredStateParseResult.Invalid(errors.ToImmutable(), errors.Count);
        }

        var (root, interpretable) = YamlTreeReader.Read(yamlText, errors);

        // Once the YAML itself is unusable (syntax, aliases, extra documents) the schema checks
        // would only report noise about a document we refuse to interpret.
        var state = interpretable ? DesiredStateReader.Read(root, errors) : null;

        return state is not null && !errors.HasErrors
            ? DesiredStateParseResult.Valid(state)
            : DesiredStateParseResult.Invalid(errors.ToImmutable(), errors.Count);
    }

    private static DesiredStateParseResult WholeFileError(string fileName, string message) =>
        DesiredStateParseResult.Invalid([new DesiredStateError(DisplayText.Escape(fileName), 0, 0, FieldPath.Root, message)], 1);
}
