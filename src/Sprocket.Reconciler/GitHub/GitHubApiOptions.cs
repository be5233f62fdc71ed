namespace Sprocket.Reconciler.GitHub;

/// <summary>
/// <c>Reconciler:GitHub</c> as the REST API clients read it: the commit-status/deployment notifier and the
/// pull-request write-back share it, so <c>ApiUrl</c> means one thing for both (see <see cref="GitHubApiAddress"/>).
/// The git source binds the same section for <c>Token</c> and <c>WebhookSecret</c>.
/// </summary>
public sealed class GitHubApiOptions
{
    public const string SectionName = "Reconciler:GitHub";

    /// <summary>Sent as <c>Authorization: Bearer</c>; never logged. Commit statuses + deployments (notifier) and
    /// contents + pull requests (write-back) need write permission.</summary>
    public string? Token { get; set; }

    /// <summary>github.com (<c>https://github.com</c> or <c>https://api.github.com</c>) or a GitHub Enterprise Server,
    /// by its root (<c>https://ghe.example.org</c>) or its API root (<c>https://ghe.example.org/api/v3</c>).
    /// Unset: api.github.com, or for the write-back the API of the host the desired-state repository is on.</summary>
    public string? ApiUrl { get; set; }

    /// <summary>Limit per API request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
