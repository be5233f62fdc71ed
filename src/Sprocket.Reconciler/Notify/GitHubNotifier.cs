using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Octokit;
using Sprocket.Reconciler.GitHub;

namespace Sprocket.Reconciler.Notify;

/// <summary>
/// Commit statuses (context <c>sprocket-reconciler/&lt;stack&gt;</c>) on the desired-state revision, and a GitHub
/// Deployment per apply (environment = the stack) with in_progress → success/failure statuses, through Octokit.
/// </summary>
public sealed class GitHubNotifier : INotifier
{
    /// <summary>GitHub's limit for commit and deployment status descriptions.</summary>
    public const int MaxDescription = 140;

    private readonly GitHubApiOptions _options;
    private readonly NotificationOptions _shared;
    private readonly IGitHubClient _client;

    // The deployment of the apply in flight per stack (at most one apply per stack runs), so its end updates it.
    private readonly ConcurrentDictionary<string, (long Id, string Revision)> _deployments = new(StringComparer.Ordinal);

    public GitHubNotifier(GitHubClientFactory clients, IOptions<GitHubApiOptions> options, IOptions<NotificationOptions> shared)
    {
        _options = options.Value;
        _shared = shared.Value;
        _client = clients.Create(string.IsNullOrWhiteSpace(_options.ApiUrl) ? GitHubApiAddress.DotCom : GitHubApiAddress.Normalize(_options.ApiUrl));
    }

    public string Name => "github";

    public bool Accepts(ReconcileNotification notification) =>
        notification.Repository is { } repository
        && IsOnThisGitHub(repository)
        && GitHubStates.IsCommitSha(notification.Revision)
        && (GitHubStates.CommitStateOf(notification.Kind) is not null || GitHubStates.DeploymentStateOf(notification.Kind) is not null);

    public async Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken)
    {
        var repository = notification.Repository ?? throw new InvalidOperationException("The notification names no repository.");
        var link = _shared.StackLink(notification.Stack);
        var description = NotificationText.Truncate(NotificationText.Summary(notification), MaxDescription);

        // Octokit takes no CancellationToken here; WaitAsync lets shutdown abandon a call its timeout will end.
        if (GitHubStates.CommitStateOf(notification.Kind) is { } commitState)
        {
            var status = new NewCommitStatus
            {
                State = commitState,
                Context = GitHubStates.ContextOf(notification.Stack),
                Description = description,
                TargetUrl = link,
            };
            await _client.Repository.Status.Create(repository.Owner, repository.Name, notification.Revision, status)
                .WaitAsync(cancellationToken);
        }

        if (GitHubStates.DeploymentStateOf(notification.Kind) is { } deploymentState)
        {
            var deploymentId = await DeploymentOfAsync(notification, repository, cancellationToken);
            var status = new NewDeploymentStatus(deploymentState) { Description = description, LogUrl = link };
            await _client.Repository.Deployment.Status.Create(repository.Owner, repository.Name, deploymentId, status)
                .WaitAsync(cancellationToken);
            if (notification.Kind != NotificationKind.DeployStarted)
            {
                _deployments.TryRemove(notification.Stack, out _);
            }
        }
    }

    public string Redact(string text) => Redaction.Redact(text, [_options.Token]);

    /// <summary>The deployment a deploy start created; a new one for a start, or for an end whose start was not seen
    /// (a restart in between, or the start's request failed) so the outcome still shows on GitHub.</summary>
    private async Task<long> DeploymentOfAsync(ReconcileNotification notification, GitHubRepository repository, CancellationToken cancellationToken)
    {
        if (notification.Kind != NotificationKind.DeployStarted
            && _deployments.TryGetValue(notification.Stack, out var known)
            && known.Revision == notification.Revision)
        {
            return known.Id;
        }

        var payload = new Dictionary<string, string> { ["tag"] = notification.Tag };
        if (!string.IsNullOrEmpty(notification.PreviousTag)) payload["previous_tag"] = notification.PreviousTag;
        var request = new NewDeployment(notification.Revision)
        {
            Environment = notification.Stack,
            // GitHub would merge the default branch into the ref, and by default it waits for every commit status,
            // ours included: the deployment records what we apply, it does not gate it.
            AutoMerge = false,
            RequiredContexts = [],
            Payload = payload,
            Description = NotificationText.Truncate(NotificationText.Headline(notification with { Kind = NotificationKind.DeployStarted }), MaxDescription),
        };
        var deployment = await _client.Repository.Deployment.Create(repository.Owner, repository.Name, request)
            .WaitAsync(cancellationToken);
        _deployments[notification.Stack] = (deployment.Id, notification.Revision);
        return deployment.Id;
    }

    // On github.com's API (unset, or configured as github.com) a repository elsewhere (GitHub Enterprise, or no GitHub at
    // all) is not ours to write statuses on; an Enterprise address is taken to serve whichever repository the daemon reads.
    private bool IsOnThisGitHub(GitHubRepository repository) =>
        (!string.IsNullOrWhiteSpace(_options.ApiUrl) && GitHubApiAddress.Normalize(_options.ApiUrl) != GitHubApiAddress.DotCom)
        || repository.Host == GitHubNotifierOptions.DotComHost;
}
