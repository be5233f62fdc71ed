using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Http;

/// <summary>Whether a verified push concerns the desired state: its repository, a live branch, the watched branch.</summary>
public static class GitHubPushVerdict
{
    /// <summary>Null when the push should fetch; otherwise why it is ignored.</summary>
    /// <param name="desiredRepository">The configured desired-state repository URL. When it is not a GitHub https URL
    /// (a local path in development) the repository cannot be compared and only the branch is checked.</param>
    public static string? WhyIgnored(GitHubPushPayload push, string? desiredRepository, string branch)
    {
        var wanted = "refs/heads/" + branch;
        if (GitHubRepository.TryParse(desiredRepository, allowPlainHttp: true) is { } repository
            && !string.Equals(push.RepositoryFullName, repository.FullName, StringComparison.OrdinalIgnoreCase))
        {
            // GitHub owner and repository names are case-insensitive.
            return $"push to {push.RepositoryFullName} ignored; the desired state is in {repository.FullName}";
        }
        if (push.Ref != wanted) return $"push to {push.Ref} ignored; watching {wanted}";
        if (push.Deleted) return $"deletion of {push.Ref} ignored; the last fetched revision stays desired";
        return null;
    }
}
