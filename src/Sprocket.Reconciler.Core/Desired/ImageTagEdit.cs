using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Scalar = YamlDotNet.Core.Events.Scalar;
using ScalarToken = YamlDotNet.Core.Tokens.Scalar;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Rewrites one stack's <c>imageTag</c> in the desired-state text and nothing else: the characters of that one
/// scalar are replaced, every other character (comments, order, indentation, quoting elsewhere, line endings, a
/// BOM) stays byte-for-byte as it was, so a write-back commit is a one-line diff a human can review at a glance.
/// Pure: text in, text out. Never throws on bad input.
/// <para>
/// The scalar is found from YamlDotNet's parser events (structure) and scanner tokens (exact character range,
/// which for a scalar carrying a <c>!!str</c> tag starts after the tag). Its quoting style is kept. The edited
/// text is parsed again with <see cref="DesiredStateParser"/>: a result the daemon itself would reject (a tag
/// that breaks <c>immutableTagPattern</c>, say) is refused here rather than pushed to git.
/// </para>
/// </summary>
public static partial class ImageTagEdit
{
    private const char ByteOrderMark = '\uFEFF';

    public static ImageTagEditResult Replace(string fileName, string yamlText, string stackName, string newTag)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        if (!ImmutableTagPolicy.IsValidTagSyntax(newTag))
            return Fail(ImageTagEditFailure.InvalidNewTag, $"'{newTag}' is not a valid image tag; a tag has {ImmutableTagPolicy.TagExpected}");

        // Offsets are counted on the text after the BOM, which YAML does not see as content.
        var bomLength = yamlText.Length > 0 && yamlText[0] == ByteOrderMark ? 1 : 0;
        var yaml = yamlText[bomLength..];

        ScalarLocation located;
        try
        {
            var search = StackSearch.Find(yaml, stackName);
            if (search.Failure is { } failure)
                return failure;
            located = search.Location!;
        }
        catch (YamlException problem)
        {
            return Fail(ImageTagEditFailure.FileDoesNotParse, $"{fileName} is not valid YAML: {problem.Message}");
        }

        var before = DesiredStateParser.Parse(fileName, yaml);
        if (!before.IsValid)
            return Fail(ImageTagEditFailure.FileDoesNotParse, $"{fileName} is rejected as it stands: {before}");

        var currentTag = before.State.FindStack(stackName)!.ImageTag;
        if (currentTag == newTag)
            return new ImageTagEditResult.Unchanged(currentTag, located.Line);

        var token = located.Style switch
        {
            ScalarStyle.SingleQuoted => $"'{newTag}'",
            ScalarStyle.DoubleQuoted => $"\"{newTag}\"",
            // A plain 1234567 or true would read back as a number or a boolean; quoting keeps it a string.
            _ when !located.HasTag && ReadsAsNonString(newTag) => $"'{newTag}'",
            _ => newTag,
        };
        var edited = string.Concat(
            yamlText.AsSpan(0, bomLength + located.Start),
            token,
            yamlText.AsSpan(bomLength + located.End));

        var after = DesiredStateParser.Parse(fileName, edited[bomLength..]);
        if (!after.IsValid)
            return Fail(ImageTagEditFailure.ResultRejected, $"with imageTag '{newTag}' the file would be rejected: {after}");
        if (after.State.FindStack(stackName)?.ImageTag != newTag)
            return Fail(ImageTagEditFailure.ResultRejected, $"the edited file does not read back as imageTag '{newTag}' for stack '{stackName}'");

        return new ImageTagEditResult.Edited(edited, currentTag, located.Line);
    }

    private static ImageTagEditResult.Failed Fail(ImageTagEditFailure reason, string message) => new(reason, message);

    /// <summary>The plain scalars YAML 1.2's core schema, as <see cref="DesiredStateParser"/> reads it, types as other than a string.</summary>
    private static bool ReadsAsNonString(string plain) =>
        plain is "null" or "Null" or "NULL" or "true" or "True" or "TRUE" or "false" or "False" or "FALSE"
        || DecimalInteger().IsMatch(plain);

    [GeneratedRegex("^[-+]?[0-9]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    /// <summary>The target scalar's token: character range in the text (after any BOM), style, 1-based line.</summary>
    private sealed record ScalarLocation(int Start, int End, ScalarStyle Style, bool HasTag, int Line);

    /// <summary>Walks <c>stacks[*]</c> by parser events to the stack's <c>imageTag</c> value.</summary>
    private sealed class StackSearch
    {
        private readonly IParser _parser;

        private StackSearch(string yaml) => _parser = new Parser(new StringReader(yaml));

        public ScalarLocation? Location { get; private init; }

        public ImageTagEditResult.Failed? Failure { get; private init; }

        public static StackSearch Find(string yaml, string stackName)
        {
            var search = new StackSearch(yaml);
            var found = search.FindInStream(stackName, out var failure);
            if (failure is not null)
                return new StackSearch(yaml) { Failure = failure };
            if (found is not { } scalar)
                return new StackSearch(yaml) { Failure = Fail(ImageTagEditFailure.StackNotFound, $"no stack named '{stackName}'") };
            if (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded)
                return new StackSearch(yaml)
                {
                    Failure = Fail(ImageTagEditFailure.UnsupportedScalar,
                        "imageTag is a block scalar ('|' or '>'); only a plain or quoted scalar can be rewritten"),
                };
            return new StackSearch(yaml) { Location = Locate(yaml, scalar) };
        }

        private Scalar? FindInStream(string stackName, out ImageTagEditResult.Failed? failure)
        {
            failure = null;
            _parser.Consume<StreamStart>();
            if (!_parser.TryConsume<DocumentStart>(out _) || !_parser.TryConsume<MappingStart>(out _))
                return null;

            while (!_parser.TryConsume<MappingEnd>(out _))
            {
                var key = _parser.Consume<Scalar>();
                if (key.Value == "stacks" && _parser.TryConsume<SequenceStart>(out _))
                {
                    while (!_parser.TryConsume<SequenceEnd>(out _))
                    {
                        var (name, imageTag) = ReadStack(out var refusal);
                        if (name != stackName)
                            continue;
                        failure = refusal ?? (imageTag is null
                            ? Fail(ImageTagEditFailure.ImageTagMissing, $"stack '{stackName}' has no imageTag")
                            : null);
                        return imageTag;
                    }
                }
                else
                {
                    _parser.SkipThisAndNestedEvents();
                }
            }

            return null;
        }

        /// <summary>One item of <c>stacks</c>: its name and its <c>imageTag</c> scalar, in whatever order they come.</summary>
        private (string? Name, Scalar? ImageTag) ReadStack(out ImageTagEditResult.Failed? refusal)
        {
            refusal = null;
            if (!_parser.TryConsume<MappingStart>(out _))
            {
                _parser.SkipThisAndNestedEvents();
                return (null, null);
            }

            string? name = null;
            Scalar? imageTag = null;
            while (!_parser.TryConsume<MappingEnd>(out _))
            {
                var key = _parser.Consume<Scalar>();
                switch (key.Value)
                {
                    case "name" when _parser.Current is Scalar nameValue:
                        name = nameValue.Value;
                        _parser.MoveNext();
                        break;
                    case "imageTag" when _parser.Current is Scalar value && value.Anchor.IsEmpty:
                        imageTag = value;
                        _parser.MoveNext();
                        break;
                    case "imageTag":
                        // An alias or an anchor: rewriting it would change every place that shares it.
                        refusal = Fail(ImageTagEditFailure.UnsupportedScalar,
                            "imageTag is an alias, anchor or collection; only a plain or quoted scalar can be rewritten");
                        _parser.SkipThisAndNestedEvents();
                        break;
                    default:
                        _parser.SkipThisAndNestedEvents();
                        break;
                }
            }

            return (name, imageTag);
        }

        private static ScalarLocation Locate(string yaml, Scalar scalar)
        {
            // The event's start includes a tag such as !!str; the scanner's scalar token is exactly the value.
            var scanner = new Scanner(new StringReader(yaml), skipComments: true);
            while (scanner.MoveNext())
            {
                if (scanner.Current is ScalarToken token && token.End.Index == scalar.End.Index)
                    return new ScalarLocation(
                        (int)token.Start.Index, (int)token.End.Index, scalar.Style, !scalar.Tag.IsEmpty, (int)token.Start.Line);
            }

            throw new InvalidOperationException("The scanner did not find the scalar the parser reported.");
        }
    }
}

public enum ImageTagEditFailure
{
    /// <summary>The text is not YAML, or the daemon would already reject it as it stands.</summary>
    FileDoesNotParse,
    StackNotFound,
    ImageTagMissing,
    /// <summary>imageTag is an alias, an anchored node, a collection or a block scalar.</summary>
    UnsupportedScalar,
    InvalidNewTag,
    /// <summary>The edited file would not pass validation (the tag breaks immutableTagPattern, for instance).</summary>
    ResultRejected,
}

public abstract record ImageTagEditResult
{
    private ImageTagEditResult()
    {
    }

    /// <param name="Text">The whole file with only the one scalar changed.</param>
    /// <param name="PreviousTag">What the stack named before the edit.</param>
    /// <param name="Line">1-based line of the edited scalar.</param>
    public sealed record Edited(string Text, string PreviousTag, int Line) : ImageTagEditResult;

    /// <summary>The stack already names the tag: there is nothing to write.</summary>
    public sealed record Unchanged(string CurrentTag, int Line) : ImageTagEditResult;

    public sealed record Failed(ImageTagEditFailure Reason, string Message) : ImageTagEditResult;
}
