namespace Sprocket.Reconciler.Git;

/// <summary>
/// Reads the desired-state file at the head of the configured branch. Never throws for a git, network or
/// file problem: it returns <see cref="DesiredFetchResult.Failed"/> and the caller keeps its last good snapshot.
/// Throws only <see cref="OperationCanceledException"/> when the cancellation token fires.
/// </summary>
public interface IDesiredStateSource
{
    Task<DesiredFetchResult> FetchAsync(CancellationToken cancellationToken);
}
