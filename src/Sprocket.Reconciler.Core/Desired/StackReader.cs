using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.Core.Images;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>Reads one entry of <c>stacks</c> and checks the rules that span its fields.</summary>
internal static partial class StackReader
{
    /// <param name="tagPattern">The file's immutable tag pattern, or null when it is invalid (already reported).</param>
    public static StackSpec? Read(YamlNode node, string path, ErrorCollector errors, TagPatternBudget? tagPattern)
    {
        var stack = MappingReader.Open(node, path, errors, DesiredStateVocabulary.StackKeys, "a stack");
        if (stack is null)
        {
            return null;
        }

        var name = stack.RequiredString("name", "a unique stack name of lowercase letters, digits and '-'", DesiredStateLimits.MaxStackNameLength);
        if (name.Length > 0 && !StackName().IsMatch(name))
        {
            stack.Error("name", $"{DisplayText.Quote(name)} is not a valid stack name; use only lowercase letters, digits and '-' ([a-z0-9-]+), starting with a letter or digit");
        }

        var engine = ReadEngine(stack);
        var imageTag = ReadImageTag(stack, tagPattern);
        var pulumi = ReadPulumiBlock(stack, engine);
        var services = ReadServices(stack);
        var observed = stack.OptionalList("observeOnly", DesiredStateLimits.MaxServicesPerStack)
            .Select(item => ServiceReader.ReadObserved(item.Node, item.Path, errors))
            .ToImmutableArray();
        ReportDuplicateRepositories(stack);
        var policy = PolicyReader.Read(stack.Find("policy"), stack.PathOf("policy"), errors);

        return new StackSpec(
            name,
            engine ?? StackEngine.Swarm,
            imageTag,
            pulumi,
            [.. services.OfType<ServiceSpec>()],
            [.. observed.OfType<ObservedServiceSpec>()],
            policy);
    }

    private static StackEngine? ReadEngine(MappingReader stack)
    {
        if (!stack.Has("engine"))
        {
            stack.Missing("engine", $"one of {string.Join(", ", DesiredStateVocabulary.Engines.Keys)}");
            return null;
        }

        return stack.OptionalEnum("engine", DesiredStateVocabulary.Engines);
    }

    private static string ReadImageTag(MappingReader stack, TagPatternBudget? tagPattern)
    {
        var tag = stack.RequiredString("imageTag", "the immutable tag every service of the stack runs, e.g. sha-4f2a9c1", DesiredStateLimits.MaxTagLength);
        if (tag.Length == 0)
        {
            return tag;
        }

        if (!ImmutableTagPolicy.IsValidTagSyntax(tag))
        {
            stack.Error("imageTag", $"{DisplayText.Quote(tag)} is not a valid image tag; a tag has {ImmutableTagPolicy.TagExpected}");
        }
        else if (ImmutableTagPolicy.AlwaysMutableTags.Contains(tag))
        {
            stack.Error("imageTag",
                $"{DisplayText.Quote(tag)} is a mutable tag and is never applied; pin an immutable tag such as sha-4f2a9c1 (mutable tags are allowed only under observeOnly)");
        }
        else if (tagPattern?.MatchesWhole(tag, stack.PathOf("imageTag")) == false)
        {
            // A spent budget (null) is reported once, at immutableTagPattern, by the document reader.
            stack.Error("imageTag", $"{DisplayText.Quote(tag)} does not match immutableTagPattern {DisplayText.Quote(tagPattern.Pattern)} as a whole; pin an immutable tag");
        }

        return tag;
    }

    private static PulumiSpec? ReadPulumiBlock(MappingReader stack, StackEngine? engine)
    {
        var node = stack.Find("pulumi");
        switch (engine, node)
        {
            case (StackEngine.Pulumi, null):
                stack.Missing("pulumi", "engine pulumi needs a pulumi block with project, stack and program");
                return null;
            case (StackEngine.Swarm, not null):
                stack.Error("pulumi", "a pulumi block is only allowed with engine pulumi; remove it or set engine: pulumi");
                return null;
            case (_, not null):
                return PulumiReader.Read(node, stack.PathOf("pulumi"), stack.Errors);
            default:
                return null;
        }
    }

    private static ImmutableArray<ServiceSpec?> ReadServices(MappingReader stack)
    {
        var node = stack.Find("services");
        if (node is null)
        {
            stack.Missing("services", "at least one { repository, match } entry");
            return [];
        }

        var items = stack.OptionalList("services", DesiredStateLimits.MaxServicesPerStack);
        if (node is YamlSequenceNode { Items.Length: 0 })
        {
            stack.Error("services", "a stack needs at least one service; list { repository, match } entries");
        }

        return [.. items.Select(item => ServiceReader.ReadManaged(item.Node, item.Path, stack.Errors))];
    }

    /// <summary>
    /// Services are told apart by repository (drift reports, the digest-to-tag ledger), so one
    /// repository may appear only once per stack, managed or observed. Compared as Docker resolves
    /// them: <c>busybox</c> and <c>docker.io/library/busybox</c>, or <c>GHCR.IO/x</c> and
    /// <c>ghcr.io/x</c>, are one repository.
    /// </summary>
    private static void ReportDuplicateRepositories(MappingReader stack)
    {
        var firstSeen = new Dictionary<string, (string Path, string Spelled)>(StringComparer.Ordinal);
        foreach (var list in new[] { "services", "observeOnly" })
        {
            foreach (var (item, path) in stack.OptionalListSilently(list, DesiredStateLimits.MaxServicesPerStack))
            {
                if (item is not YamlMappingNode mapping
                    || mapping.Entries.FirstOrDefault(e => e.Key.Value == "repository")?.Value is not YamlScalarNode { Kind: ScalarKind.Text } repository
                    || repository.Value.Length == 0)
                {
                    continue;
                }

                var repositoryPath = FieldPath.Member(path, "repository");
                // An invalid name is already reported; compared as written, it adds no second error.
                var key = ImageRepositoryName.Problem(repository.Value) is null ? RepositoryName.Normalize(repository.Value) : repository.Value;
                if (firstSeen.TryGetValue(key, out var first))
                {
                    var same = first.Spelled == repository.Value ? "" : $" (as {DisplayText.Quote(first.Spelled)}, both {DisplayText.Quote(key)})";
                    stack.Errors.Add(repository, repositoryPath,
                        $"repository {DisplayText.Quote(repository.Value)} is already listed at {first.Path}{same}; each repository may appear once per stack");
                }
                else
                {
                    firstSeen.Add(key, (repositoryPath, repository.Value));
                }
            }
        }
    }

    // No leading '-': the name is passed to docker as an argument.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex StackName();
}
