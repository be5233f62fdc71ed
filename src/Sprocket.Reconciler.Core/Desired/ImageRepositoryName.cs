using Sprocket.Reconciler.Core.Images;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Checks an image repository as the desired-state file must spell it: Docker's reference
/// grammar for the name (an optional <c>host[:port]</c>, then lowercase path components), with no
/// tag and no digest — the tag comes from <c>imageTag</c>, and a digest would pin past it.
/// </summary>
internal static class ImageRepositoryName
{
    public const string Expected =
        "lowercase path components (letters, digits, separated by '.', '_', '__' or '-') joined by '/', optionally preceded by a registry host[:port], e.g. ghcr.io/sprocketbot/sprocket-web";

    private const int MaxNameLength = 255;

    /// <summary>Returns null when valid, else what is wrong.</summary>
    public static string? Problem(string repository)
    {
        if (repository.Contains('@'))
        {
            return $"{DisplayText.Quote(repository)} includes a digest; give the repository only (the tag comes from imageTag or tag), no '@sha256:…'";
        }

        var (host, path) = RepositoryName.SplitHost(repository);
        if (path.Contains(':'))
        {
            return $"{DisplayText.Quote(repository)} includes a tag; give the repository only, the tag comes from imageTag (or tag for observeOnly)";
        }

        if (repository.Length > MaxNameLength)
        {
            return $"{DisplayText.Quote(repository)} is longer than {MaxNameLength} characters";
        }

        if (host is not null && !RepositoryName.IsValidHost(host))
        {
            return $"{DisplayText.Quote(repository)} has an invalid registry host {DisplayText.Quote(host)}; expected {Expected}";
        }

        if (!RepositoryName.IsValidPath(path))
        {
            return $"{DisplayText.Quote(repository)} is not a valid image repository; expected {Expected}";
        }

        return null;
    }
}
