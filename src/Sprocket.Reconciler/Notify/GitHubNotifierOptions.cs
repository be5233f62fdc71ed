namespace Sprocket.Reconciler.Notify;

/// <summary>
/// The notification switch of <c>Reconciler:GitHub</c>. Token, API address and timeout are the shared
/// <see cref="GitHub.GitHubApiOptions"/>. Commit statuses and deployments are written when <c>Token</c> is set,
/// <c>Notify</c> is not false and the desired-state repository is on that GitHub.
/// </summary>
public sealed class GitHubNotifierOptions
{
    public const string SectionName = "Reconciler:GitHub";
    public const string DotComHost = "github.com";

    /// <summary>false turns commit statuses and deployments off while keeping <c>Token</c> for git.</summary>
    public bool Notify { get; set; } = true;
}
