using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// The registered <see cref="IWriteBack"/>: picks the mode the stack's <c>policy.writeBack</c> names and logs the
/// outcome once, in one place. <c>none</c> writes nothing: the stack stays held and alerted by the loop.
/// </summary>
internal sealed class PolicyWriteBack(
    GitCommitWriteBack commit,
    GitHubPullRequestWriteBack pullRequest,
    ILogger<PolicyWriteBack> logger) : IWriteBack
{
    public async Task<WriteBackResult> WriteAsync(WriteBackRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Log.Starting(logger, request.Stack, DesiredStateVocabulary.Spell(request.Mode), request.BadTag, request.GoodTag);
        var result = request.Mode switch
        {
            WriteBackMode.Commit => await commit.WriteAsync(request, cancellationToken).ConfigureAwait(false),
            WriteBackMode.PullRequest => await pullRequest.WriteAsync(request, cancellationToken).ConfigureAwait(false),
            _ => new WriteBackResult.NothingToDo("writeBack: none; the stack stays held until git names a tag"),
        };
        Report(request.Stack, result);
        return result;
    }

    private void Report(string stack, WriteBackResult result)
    {
        switch (result)
        {
            case WriteBackResult.Committed committed:
                Log.Committed(logger, stack, committed.Sha, "the desired-state repository", committed.Branch);
                break;
            case WriteBackResult.PullRequestReady ready:
                Log.PullRequestReady(logger, stack, ready.Number, ready.Action.ToString(), ready.Url, ready.Branch);
                break;
            case WriteBackResult.NothingToDo nothing:
                Log.NothingToDo(logger, stack, nothing.Reason);
                break;
            case WriteBackResult.Superseded superseded:
                Log.Superseded(logger, stack, superseded.TagInGit, superseded.Revision);
                break;
            case WriteBackResult.Failed failed:
                Log.Failed(logger, stack, failed.Message);
                break;
        }
    }
}
