using System.Text.RegularExpressions;
using DotNet.Globbing;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>Reads <c>services</c> and <c>observeOnly</c> entries.</summary>
internal static partial class ServiceReader
{
    private const string MatchExpected =
        "a Swarm service name glob of letters, digits, '_', '.', '-' and the wildcards '*', '?', '[…]', e.g. prod-sprocket-web-service*";

    public static ServiceSpec? ReadManaged(YamlNode node, string path, ErrorCollector errors)
    {
        var service = MappingReader.Open(node, path, errors, DesiredStateVocabulary.ServiceKeys, "a service");
        return service is null ? null : new ServiceSpec(ReadRepository(service), ReadMatch(service));
    }

    public static ObservedServiceSpec? ReadObserved(YamlNode node, string path, ErrorCollector errors)
    {
        var service = MappingReader.Open(node, path, errors, DesiredStateVocabulary.ObservedServiceKeys, "an observeOnly service");
        if (service is null)
        {
            return null;
        }

        var repository = ReadRepository(service);
        var match = ReadMatch(service);
        // Observed services may sit on a mutable tag (that is why they are observed), but it must still be a tag.
        var tag = service.RequiredString("tag", "the tag the observed service is expected to run, e.g. master", DesiredStateLimits.MaxTagLength);
        if (tag.Length > 0 && !ImmutableTagPolicy.IsValidTagSyntax(tag))
        {
            service.Error("tag", $"{DisplayText.Quote(tag)} is not a valid image tag; a tag has {ImmutableTagPolicy.TagExpected}");
        }

        return new ObservedServiceSpec(repository, match, tag);
    }

    private static string ReadRepository(MappingReader service)
    {
        var repository = service.RequiredString("repository", "the image repository, e.g. ghcr.io/sprocketbot/sprocket-web", DesiredStateLimits.MaxRepositoryLength);
        if (repository.Length > 0 && ImageRepositoryName.Problem(repository) is { } problem)
        {
            service.Error("repository", problem);
        }

        return repository;
    }

    private static string ReadMatch(MappingReader service)
    {
        var match = service.RequiredString("match", MatchExpected, DesiredStateLimits.MaxMatchLength);
        if (match.Length > 0 && !IsUsableGlob(match))
        {
            service.Error("match", $"{DisplayText.Quote(match)} is not a usable glob; expected {MatchExpected}");
        }

        return match;
    }

    private static bool IsUsableGlob(string match)
    {
        if (!MatchCharacters().IsMatch(match) || !HasBalancedBrackets(match))
        {
            return false;
        }

        try
        {
            _ = Glob.Parse(match);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>DotNet.Glob accepts an unclosed '[' silently, and such a glob would never match what was meant.</summary>
    private static bool HasBalancedBrackets(string match)
    {
        var open = -1;
        for (var i = 0; i < match.Length; i++)
        {
            switch (match[i])
            {
                case '[' when open >= 0:
                    return false;
                case '[':
                    open = i;
                    break;
                case ']' when open < 0:
                    return false;
                case ']':
                    var content = match[(open + 1)..i].TrimStart('!');
                    if (content.Length == 0)
                    {
                        return false;
                    }

                    open = -1;
                    break;
                case '!' when open < 0:
                    return false;
            }
        }

        return open < 0;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.*?\[\]!-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex MatchCharacters();
}
