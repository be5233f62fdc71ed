using System.Diagnostics.CodeAnalysis;
using Sprocket.Reconciler.Core.Images;

namespace Sprocket.Reconciler.Registry;

/// <summary>
/// A repository split the way Docker splits it: the first path component is a registry host only
/// if it has a '.' or ':' or is <c>localhost</c>; otherwise the image is on Docker Hub, and a
/// single-component name lives under <c>library/</c>.
/// </summary>
/// <param name="Host">Registry host with optional port, as used in URLs (<c>ghcr.io</c>, <c>127.0.0.1:5000</c>).</param>
/// <param name="Name">The repository name inside the registry (<c>sprocketbot/web</c>).</param>
public sealed record RegistryRepository(string Host, string Name)
{
    public const string DockerHubHost = "registry-1.docker.io";

    public static bool TryParse(string repository, [NotNullWhen(true)] out RegistryRepository? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(repository))
        {
            return false;
        }

        var (givenHost, name) = RepositoryName.SplitHost(repository);
        var host = givenHost is null or "docker.io" or "index.docker.io" ? DockerHubHost : givenHost;
        if (host == DockerHubHost && !name.Contains('/', StringComparison.Ordinal))
        {
            name = "library/" + name;
        }

        if (!RepositoryName.IsValidPath(name))
        {
            return false;
        }
        parsed = new RegistryRepository(host, name);
        return true;
    }

    public override string ToString() => Host + "/" + Name;
}
