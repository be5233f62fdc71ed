namespace Sprocket.Reconciler.Reconcile;

/// <summary>Where the desired state comes from, as it may be shown: the repository without credentials.</summary>
public sealed record DesiredStateLocation(string DisplayRepository, string Branch, string Path)
{
    /// <summary>Drops any user-info (tokens) from a URL; local paths pass unchanged.</summary>
    public static string Scrub(string repository) =>
        Uri.TryCreate(repository, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo)
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : repository;
}
