using System.Collections.Immutable;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Turns YAML text into a <see cref="YamlNode"/> tree straight from YamlDotNet's parser events.
/// Reading events (not the representation model) is what lets us refuse anchors and aliases
/// before anything is expanded, refuse duplicate keys, and keep positions for every node.
/// Scalars are typed by the YAML 1.2 core schema, so <c>yes</c> and <c>00:02:00</c> stay strings.
/// </summary>
internal static partial class YamlTreeReader
{
    /// <summary>Far deeper than the format needs; bounds recursion on hostile input.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Values, lists and mappings in one file. A real file at the 1 MiB size limit holds well under half
    /// this; the bound keeps a megabyte of "[x,x,x,…" or of aliases from costing YamlDotNet a second.
    /// </summary>
    public const int MaxNodes = 100_000;

    private const string StringTag = "tag:yaml.org,2002:str";

    /// <returns>
    /// The root (null for an empty stream) and whether it may be interpreted at all. Syntax errors,
    /// aliases, extra documents and excessive depth make a document's meaning unknowable, so schema
    /// checks must not run on it; duplicate keys, anchors and tags are reported but leave it readable.
    /// </returns>
    public static (YamlNode? Root, bool Interpretable) Read(string yamlText, ErrorCollector errors) =>
        Read(new StringReader(yamlText), errors);

    /// <inheritdoc cref="Read(string, ErrorCollector)"/>
    public static (YamlNode? Root, bool Interpretable) Read(TextReader yamlText, ErrorCollector errors)
    {
        var parser = new Parser(yamlText);
        var state = new ReadState(parser, errors);
        try
        {
            var root = ReadStream(state);
            return (root, !state.Uninterpretable);
        }
        catch (YamlException ex)
        {
            errors.Add(ToPosition(ex.Start), FieldPath.Root, "invalid YAML: " + SyntaxMessage(ex));
            return (null, false);
        }
        catch (ReadingStopped)
        {
            return (null, false);
        }
    }

    private static YamlNode? ReadStream(ReadState state)
    {
        state.Expect<StreamStart>();
        if (state.Current is StreamEnd)
        {
            return null;
        }

        state.Expect<DocumentStart>();
        var root = ReadNode(state, depth: 0, path: NodePath.Root);
        state.Expect<DocumentEnd>();

        if (state.Current is DocumentStart second)
        {
            state.Uninterpretable = true;
            state.Errors.Add(ToPosition(second.Start), FieldPath.Root,
                "the file holds more than one YAML document ('---'); put every stack in one document");
        }

        return root;
    }

    private static YamlNode ReadNode(ReadState state, int depth, NodePath path)
    {
        var current = state.Current ?? throw new InvalidOperationException("Unexpected end of YAML events.");
        var position = ToPosition(current.Start);

        if (depth > MaxDepth)
        {
            // Stop reading here rather than skip the rest: YamlDotNet's scanner does work proportional to
            // the open flow depth for every token (its simple-key stack), so scanning on through a deep
            // '[[[[…' costs depth × tokens, minutes for a 1 MiB file. It only looks ahead about a line, so
            // stopping at the first node too deep bounds the work by MaxDepth whatever follows.
            state.Errors.Add(position, path.Show(), $"the document nests deeper than {MaxDepth} levels; reading stopped here");
            throw new ReadingStopped();
        }

        if (++state.Nodes > MaxNodes)
        {
            state.Errors.Add(position, path.Show(), $"the document has more than {MaxNodes:N0} values, lists and mappings; reading stopped here");
            throw new ReadingStopped();
        }

        if (current is AnchorAlias && state.Errors.Full)
        {
            state.Uninterpretable = true;
            state.Errors.CountOnly();
            state.Advance();
            return new YamlAliasNode(position);
        }

        if (current is AnchorAlias alias)
        {
            state.Uninterpretable = true;
            state.Errors.Add(position, path.Show(),
                $"alias '*{DisplayText.Escape(alias.Value.Value)}' is not allowed: anchors and aliases are rejected so that a file cannot expand into a huge document");
            state.Advance();
            return new YamlAliasNode(position);
        }

        if (current is NodeEvent node)
        {
            ReportAnchor(state, node, position, path);
            ReportTag(state, node, position, path);
        }

        switch (current)
        {
            case Scalar scalar:
                state.Advance();
                return new YamlScalarNode(position, scalar.Value, Classify(scalar));

            case SequenceStart:
            {
                state.Advance();
                var items = ImmutableArray.CreateBuilder<YamlNode>();
                while (state.Current is not SequenceEnd)
                {
                    items.Add(ReadNode(state, depth + 1, path.Item(items.Count)));
                }

                state.Advance();
                return new YamlSequenceNode(position, items.ToImmutable());
            }

            case MappingStart:
            {
                state.Advance();
                var entries = ImmutableArray.CreateBuilder<YamlMappingEntry>();
                var firstSeen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
                while (state.Current is not MappingEnd)
                {
                    var keyPosition = ToPosition(state.Current!.Start);
                    var key = ReadNode(state, depth + 1, path);
                    var keyText = key is YamlScalarNode { Kind: not ScalarKind.Null, Value.Length: > 0 } named ? named.Value : null;
                    var value = ReadNode(state, depth + 1, keyText is null ? path : path.Member(keyText));
                    if (keyText is null)
                    {
                        if (key is not YamlAliasNode)
                        {
                            state.Errors.Add(keyPosition, path.Show(), "mapping keys must be plain names, not empty, lists or mappings");
                        }
                    }
                    else if (firstSeen.ContainsKey(keyText) && state.Errors.Full)
                    {
                        state.Errors.CountOnly();
                    }
                    else if (firstSeen.TryGetValue(keyText, out var first))
                    {
                        state.Errors.Add(keyPosition, path.Member(keyText).Show(),
                            $"duplicate key {DisplayText.Quote(keyText)} (first given at line {first.Line}); each key may appear once");
                    }
                    else
                    {
                        firstSeen.Add(keyText, keyPosition);
                        entries.Add(new YamlMappingEntry((YamlScalarNode)key, value));
                    }
                }

                state.Advance();
                return new YamlMappingNode(position, entries.ToImmutable());
            }

            default:
                throw new InvalidOperationException($"Unexpected YAML event {current.GetType().Name}.");
        }
    }

    private static void ReportAnchor(ReadState state, NodeEvent node, SourcePosition position, NodePath path)
    {
        if (!node.Anchor.IsEmpty && state.Errors.Full)
        {
            state.Errors.CountOnly();
        }
        else if (!node.Anchor.IsEmpty)
        {
            state.Errors.Add(position, path.Show(),
                $"anchor '&{DisplayText.Escape(node.Anchor.Value)}' is not allowed: anchors and aliases are rejected so that a file cannot expand into a huge document");
        }
    }

    private static void ReportTag(ReadState state, NodeEvent node, SourcePosition position, NodePath path)
    {
        if (node.Tag.IsEmpty || node.Tag.IsNonSpecific || IsStringTag(node.Tag))
        {
            return;
        }

        if (state.Errors.Full)
        {
            state.Errors.CountOnly();
        }
        else
        {
            state.Errors.Add(position, path.Show(), $"YAML tag {DisplayText.Quote(node.Tag.Value)} is not allowed; only '!!str' may be used");
        }
    }

    /// <summary>YAML 1.2 core schema resolution, restricted to what the format uses.</summary>
    private static ScalarKind Classify(Scalar scalar)
    {
        if (scalar.Style != ScalarStyle.Plain || IsStringTag(scalar.Tag))
        {
            return ScalarKind.Text;
        }

        return scalar.Value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Boolean,
            var text when DecimalInteger().IsMatch(text) => ScalarKind.Integer,
            _ => ScalarKind.Text,
        };
    }

    private static bool IsStringTag(TagName tag) => !tag.IsEmpty && !tag.IsNonSpecific && tag.Value == StringTag;

    private static SourcePosition ToPosition(Mark mark) => new((int)mark.Line, (int)mark.Column);

    /// <summary>YamlDotNet prefixes its messages with the position, which our error already carries.</summary>
    private static string SyntaxMessage(YamlException ex)
    {
        var message = ex.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && close > 0 ? message[(close + 3)..] : message;
    }

    [GeneratedRegex("^[-+]?[0-9]+\\z")]
    private static partial Regex DecimalInteger();

    /// <summary>
    /// A node's field path, rendered only when an error names it: building the string for every node
    /// of a file that is one long list would cost more than reading it.
    /// </summary>
    private sealed class NodePath(NodePath? parent, string? key, int index)
    {
        public static NodePath Root { get; } = new(null, null, -1);

        public NodePath Member(string name) => new(this, name, -1);

        public NodePath Item(int position) => new(this, null, position);

        public string Show() => FieldPath.Show(Render());

        private string Render() => parent is null ? ""
            : key is not null ? FieldPath.Member(parent.Render(), key)
            : FieldPath.Item(parent.Render(), index);
    }

    /// <summary>Unwinds the recursion at the first node too deep or too many; already reported.</summary>
    private sealed class ReadingStopped : Exception;

    private sealed class ReadState(Parser parser, ErrorCollector errors)
    {
        private readonly Parser _parser = parser;

        public ErrorCollector Errors { get; } = errors;

        public bool Uninterpretable { get; set; }

        public int Nodes { get; set; }

        public ParsingEvent? Current
        {
            get
            {
                if (_parser.Current is null)
                {
                    _parser.MoveNext();
                }

                return _parser.Current;
            }
        }

        public void Advance()
        {
            _ = Current;
            _parser.MoveNext();
        }

        public void Expect<T>() where T : ParsingEvent
        {
            if (Current is not T)
            {
                throw new InvalidOperationException($"Expected YAML event {typeof(T).Name}, got {Current?.GetType().Name}.");
            }

            Advance();
        }
    }
}
