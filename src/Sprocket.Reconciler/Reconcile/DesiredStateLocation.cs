namespace Sprocket.Reconciler.Reconcile;

/// <summary>Where the desired state comes from, as it may be shown: the repository without credentials.</summary>
public sealed record DesiredStateLocation(string DisplayRepository, string Branch, string Path)
{
    /// <summary>Drops any user-info (tokens) from a URL; local paths pass unchanged. The one parser of
    /// <see cref="Git.RepositoryUrl"/>, so the API and status page show exactly what logs and metrics show.</summary>
    public static string Scrub(string repository) => Git.RepositoryUrl.Shown(repository.Trim());
}
