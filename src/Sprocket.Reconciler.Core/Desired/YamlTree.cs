using System.Collections.Immutable;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>A 1-based line and column in the desired-state file.</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>For errors about the file as a whole (too large, empty, not UTF-8).</summary>
    public static SourcePosition WholeFile { get; } = new(0, 0);
}

/// <summary>
/// A minimal YAML node tree that keeps every node's position. We build our own instead of
/// YamlDotNet's representation model so that aliases are never expanded (an alias becomes an
/// <see cref="YamlAliasNode"/> placeholder) and duplicate keys stay visible.
/// </summary>
internal abstract record YamlNode(SourcePosition Position);

internal enum ScalarKind { Null, Boolean, Integer, Text }

internal sealed record YamlScalarNode(SourcePosition Position, string Value, ScalarKind Kind) : YamlNode(Position)
{
    public string Describe() => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => $"the boolean {Value}",
        ScalarKind.Integer => $"the number {Value}",
        _ => $"the string {DisplayText.Quote(Value)}",
    };
}

internal sealed record YamlMappingEntry(YamlScalarNode Key, YamlNode Value);

internal sealed record YamlMappingNode(SourcePosition Position, ImmutableArray<YamlMappingEntry> Entries) : YamlNode(Position);

internal sealed record YamlSequenceNode(SourcePosition Position, ImmutableArray<YamlNode> Items) : YamlNode(Position);

/// <summary>Stands where an alias or an unusable node was; already reported, so readers skip it silently.</summary>
internal sealed record YamlAliasNode(SourcePosition Position) : YamlNode(Position);
