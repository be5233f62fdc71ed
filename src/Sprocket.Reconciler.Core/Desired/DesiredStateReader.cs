using System.Collections.Immutable;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>Reads the document root and checks the rules that span stacks.</summary>
internal static class DesiredStateReader
{
    public const int SupportedVersion = 1;

    public static DesiredState? Read(YamlNode? root, ErrorCollector errors)
    {
        if (root is null or YamlScalarNode { Kind: ScalarKind.Null })
        {
            errors.Add(SourcePosition.WholeFile, FieldPath.Root,
                "the file is empty; expected a mapping with version: 1 and a stacks list");
            return null;
        }

        var document = MappingReader.Open(root, "", errors, DesiredStateVocabulary.RootKeys, "the desired-state document");
        if (document is null)
        {
            return null;
        }

        ReadVersion(document);
        var pattern = ReadTagPattern(document);
        var budget = pattern.Usable is null ? null : new TagPatternBudget(pattern.Usable);
        var stacks = ReadStacks(document, budget);
        if (budget?.ExhaustedAt is { } stoppedAt)
        {
            document.Error("immutableTagPattern",
                $"matching took longer than {TagPatternBudget.Total.TotalMilliseconds:0} ms in all for this file's tags (stopped at {stoppedAt}); simplify the pattern");
        }

        ReportDuplicateStackNames(document);
        return new DesiredState(SupportedVersion, stacks, pattern.Text);
    }

    private static void ReadVersion(MappingReader document)
    {
        if (!document.Has("version"))
        {
            document.Missing("version", $"the format version; only {SupportedVersion} is supported");
            return;
        }

        if (document.OptionalInteger("version") is { } version && version != SupportedVersion)
        {
            document.Error("version", $"unsupported version {version}; only version {SupportedVersion} is supported");
        }
    }

    private static (string Text, string? Usable) ReadTagPattern(MappingReader document)
    {
        var pattern = document.OptionalString("immutableTagPattern", DesiredStateLimits.MaxTagPatternLength) ?? DesiredState.DefaultImmutableTagPattern;
        if (document.Has("immutableTagPattern") && ImmutableTagPolicy.PatternProblem(pattern) is { } problem)
        {
            document.Error("immutableTagPattern", problem);
            return (pattern, null);
        }

        return (pattern, pattern);
    }

    private static ImmutableArray<StackSpec> ReadStacks(MappingReader document, TagPatternBudget? tagPattern)
    {
        var node = document.Find("stacks");
        if (node is null)
        {
            document.Missing("stacks", "a list of stacks");
            return [];
        }

        var items = document.OptionalList("stacks", DesiredStateLimits.MaxStacks);
        if (node is YamlSequenceNode { Items.Length: 0 })
        {
            // An empty list is far more likely a broken edit than an intent to manage nothing.
            document.Error("stacks", "the file must declare at least one stack");
        }

        return [.. items
            .Select(item => StackReader.Read(item.Node, item.Path, document.Errors, tagPattern))
            .OfType<StackSpec>()];
    }

    private static void ReportDuplicateStackNames(MappingReader document)
    {
        var firstSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, path) in document.OptionalListSilently("stacks", DesiredStateLimits.MaxStacks))
        {
            if (item is not YamlMappingNode mapping
                || mapping.Entries.FirstOrDefault(e => e.Key.Value == "name")?.Value is not YamlScalarNode { Kind: ScalarKind.Text or ScalarKind.Integer } name
                || name.Value.Length == 0)
            {
                continue;
            }

            var namePath = FieldPath.Member(path, "name");
            if (firstSeen.TryGetValue(name.Value, out var firstPath))
            {
                document.Errors.Add(name, namePath, $"duplicate stack name {DisplayText.Quote(name.Value)} (already used at {firstPath}); stack names must be unique");
            }
            else
            {
                firstSeen.Add(name.Value, namePath);
            }
        }
    }
}
