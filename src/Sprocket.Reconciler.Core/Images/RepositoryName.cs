using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Core.Images;

/// <summary>
/// Docker's grammar for an image repository (distribution's reference/regexp.go): an optional registry
/// host[:port], then lowercase path components. The one place that decides what the first component is,
/// so the desired-state validator, the Swarm image parser and the registry client always agree.
/// </summary>
public static partial class RepositoryName
{
    public const string DockerHub = "docker.io";

    /// <summary>The first component names a registry host only if it has a '.' or ':' or is localhost.</summary>
    public static (string? Host, string Path) SplitHost(string repository)
    {
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return (null, repository);
        var first = repository[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"
            ? (first, repository[(slash + 1)..])
            : (null, repository);
    }

    public static bool IsValidHost(string host) => HostPattern().IsMatch(host);

    public static bool IsValidPath(string path) => path.Length > 0 && path.Split('/').All(c => PathComponentPattern().IsMatch(c));

    public static bool IsValid(string repository)
    {
        var (host, path) = SplitHost(repository);
        return (host is null || IsValidHost(host)) && IsValidPath(path);
    }

    /// <summary>The repository as Docker resolves it, so that <c>web</c>, <c>library/web</c> and
    /// <c>docker.io/library/web</c> compare equal (distribution/reference normalize.go, plus
    /// registry-1.docker.io, Docker Hub's actual registry host); hosts are lower-cased because host names
    /// are case-insensitive, while paths are lowercase by the grammar. Unlike Docker, a first component
    /// with uppercase letters is not taken for a host: <c>SprocketBot/web</c> is a mistyped path here.</summary>
    public static string Normalize(string repository)
    {
        var (host, path) = SplitHost(repository);
        host = host?.ToLowerInvariant();
        if (host is null or "docker.io" or "index.docker.io" or "registry-1.docker.io")
            return DockerHub + "/" + (path.Contains('/', StringComparison.Ordinal) ? path : "library/" + path);
        return host + "/" + path;
    }

    [GeneratedRegex(@"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponentPattern();
}
