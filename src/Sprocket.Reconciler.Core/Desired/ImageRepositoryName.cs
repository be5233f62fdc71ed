using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Checks an image repository as the desired-state file must spell it: Docker's reference
/// grammar for the name (an optional <c>host[:port]</c>, then lowercase path components), with no
/// tag and no digest — the tag comes from <c>imageTag</c>, and a digest would pin past it.
/// </summary>
internal static partial class ImageRepositoryName
{
    public const string Expected =
        "lowercase path components (letters, digits, separated by '.', '_', '__' or '-') joined by '/', optionally preceded by a registry host[:port], e.g. ghcr.io/sprocketbot/sprocket-web";

    private const int MaxNameLength = 255;

    /// <summary>Returns null when valid, else what is wrong.</summary>
    public static string? Problem(string repository)
    {
        if (repository.Contains('@'))
        {
            return $"'{repository}' includes a digest; give the repository only (the tag comes from imageTag or tag), no '@sha256:…'";
        }

        var (host, path) = SplitHost(repository);
        if (path.Contains(':'))
        {
            return $"'{repository}' includes a tag; give the repository only, the tag comes from imageTag (or tag for observeOnly)";
        }

        if (repository.Length > MaxNameLength)
        {
            return $"'{repository}' is longer than {MaxNameLength} characters";
        }

        if (host is not null && !Host().IsMatch(host))
        {
            return $"'{repository}' has an invalid registry host '{host}'; expected {Expected}";
        }

        if (path.Length == 0 || !path.Split('/').All(component => PathComponent().IsMatch(component)))
        {
            return $"'{repository}' is not a valid image repository; expected {Expected}";
        }

        return null;
    }

    /// <summary>Docker's rule: the first component is a registry host when it has a '.' or ':' or is localhost.</summary>
    private static (string? Host, string Path) SplitHost(string repository)
    {
        var slash = repository.IndexOf('/');
        if (slash < 0)
        {
            return (null, repository);
        }

        var first = repository[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost"
            ? (first, repository[(slash + 1)..])
            : (null, repository);
    }

    [GeneratedRegex(@"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Host();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponent();
}
