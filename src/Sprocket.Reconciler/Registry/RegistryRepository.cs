using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Registry;

/// <summary>
/// A repository split the way Docker splits it: the first path component is a registry host only
/// if it has a '.' or ':' or is <c>localhost</c>; otherwise the image is on Docker Hub, and a
/// single-component name lives under <c>library/</c>.
/// </summary>
/// <param name="Host">Registry host with optional port, as used in URLs (<c>ghcr.io</c>, <c>127.0.0.1:5000</c>).</param>
/// <param name="Name">The repository name inside the registry (<c>sprocketbot/web</c>).</param>
public sealed partial record RegistryRepository(string Host, string Name)
{
    public const string DockerHubHost = "registry-1.docker.io";

    public static bool TryParse(string repository, [NotNullWhen(true)] out RegistryRepository? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(repository))
        {
            return false;
        }

        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? null : repository[..slash];
        string host;
        string name;
        if (first is not null && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            host = first;
            name = repository[(slash + 1)..];
        }
        else
        {
            host = DockerHubHost;
            name = repository;
        }

        if (host is "docker.io" or "index.docker.io")
        {
            host = DockerHubHost;
        }
        if (host == DockerHubHost && !name.Contains('/', StringComparison.Ordinal))
        {
            name = "library/" + name;
        }

        if (!NamePattern().IsMatch(name))
        {
            return false;
        }
        parsed = new RegistryRepository(host, name);
        return true;
    }

    public override string ToString() => Host + "/" + Name;

    // Distribution's path-component grammar (reference/regexp.go), lower case only.
    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
