using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// <c>writeBack: commit</c>: one commit on the desired-state branch changing only the stack's <c>imageTag</c>
/// line, authored as <see cref="WriteBackOptions"/> says, pushed with LibGit2Sharp (https with
/// <c>Reconciler:GitHub:Token</c> as user <c>x-access-token</c>, or the URL's own credentials; local paths and
/// file:// too). Never forces; never overwrites a tag a human committed meanwhile (<see cref="WriteBackResult.Superseded"/>).
/// </summary>
internal sealed class GitCommitWriteBack(
    IOptionsMonitor<DesiredStateOptions> desiredStateOptions,
    IOptionsMonitor<ReconcilerOptions> pathsOptions,
    IOptionsMonitor<GitHubOptions> gitHubOptions,
    IOptionsMonitor<WriteBackOptions> writeBackOptions,
    TimeProvider timeProvider,
    ILogger<GitCommitWriteBack> logger) : IWriteBack
{
    public async Task<WriteBackResult> WriteAsync(WriteBackRequest request, CancellationToken cancellationToken)
    {
        var plan = Plan(request);
        var gate = CloneDirectoryGates.For(plan.CloneDirectory);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // LibGit2Sharp blocks for every network round trip: keep it off pool threads serving requests.
            return await Task.Factory.StartNew(
                () => WriteBackClone.Commit(plan, timeProvider.GetUtcNow(), logger, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    internal CommitPlan Plan(WriteBackRequest request)
    {
        var desired = desiredStateOptions.CurrentValue;
        var location = RepositoryLocation.Resolve(desired.Repository, pathsOptions.CurrentValue.DataDirectory);
        // Same hash of the scrubbed URL as the desired-state clone, under our own folder.
        var cloneDirectory = Path.Combine(
            Path.GetFullPath(pathsOptions.CurrentValue.DataDirectory), "writeback", Path.GetFileName(location.CloneDirectory));
        var options = writeBackOptions.CurrentValue;
        return new CommitPlan(
            new FetchRequest(location, desired.Branch, desired.Path, gitHubOptions.CurrentValue.Token),
            cloneDirectory,
            request,
            options.AuthorName,
            options.AuthorEmail,
            options.MaxPushAttempts);
    }
}
