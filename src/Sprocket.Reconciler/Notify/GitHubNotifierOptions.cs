namespace Sprocket.Reconciler.Notify;

/// <summary>
/// The notification side of <c>Reconciler:GitHub</c> (the same section the git source reads its <c>Token</c> from).
/// Commit statuses and deployments are written when <c>Token</c> is set, <c>Notify</c> is not false and the
/// desired-state repository is on this GitHub.
/// </summary>
public sealed class GitHubNotifierOptions
{
    public const string SectionName = "Reconciler:GitHub";
    public const string DotComHost = "github.com";

    /// <summary>Needs <c>repo:status</c> and <c>repo_deployment</c> (classic) or Commit statuses + Deployments: write
    /// (fine-grained / GitHub App). Sent as <c>Authorization: Bearer</c>; never logged.</summary>
    public string? Token { get; set; }

    /// <summary>GitHub Enterprise Server: its root (<c>https://ghe.example.org</c>; Octokit adds <c>/api/v3/</c>).
    /// When set, any https desired-state repository is taken to live there. Unset: api.github.com, and only
    /// repositories on github.com.</summary>
    public string? ApiUrl { get; set; }

    /// <summary>false turns commit statuses and deployments off while keeping <c>Token</c> for git.</summary>
    public bool Notify { get; set; } = true;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => Notify && !string.IsNullOrWhiteSpace(Token);
}
