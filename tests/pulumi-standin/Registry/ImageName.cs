namespace Sprocket.PulumiStandin.Registry;

/// <summary>An image reference split as Docker splits it: registry host, repository path, tag, digest.</summary>
public sealed record ImageName(string Registry, string Path, string? Tag, string? Digest)
{
    /// <summary><c>host/path</c>, the repository without tag or digest.</summary>
    public string Repository => $"{Registry}/{Path}";

    public static ImageName Parse(string image)
    {
        string? digest = null;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = image[(at + 1)..];
            image = image[..at];
        }

        string? tag = null;
        var colon = image.LastIndexOf(':');
        if (colon > image.LastIndexOf('/'))
        {
            tag = image[(colon + 1)..];
            image = image[..colon];
        }

        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash >= 0 ? image[..slash] : "";
        var hasRegistry = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        return hasRegistry
            ? new ImageName(first, image[(slash + 1)..], tag, digest)
            : new ImageName("docker.io", slash >= 0 ? image : "library/" + image, tag, digest);
    }

    /// <summary>Docker treats loopback registries as insecure: plain HTTP.</summary>
    public bool IsLoopback
    {
        get
        {
            var host = Registry.StartsWith('[') ? Registry[1..Registry.IndexOf(']', StringComparison.Ordinal)] : Registry.Split(':')[0];
            return host is "localhost" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);
        }
    }
}
