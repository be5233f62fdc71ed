namespace Sprocket.Reconciler.Git;

/// <summary>
/// Carries an already classified, already scrubbed failure out of a step of <see cref="BareClone"/>; it never
/// leaves that class (it becomes a <see cref="DesiredFetchResult.Failed"/>).
/// </summary>
internal sealed class FetchFailure(DesiredFetchFailureReason reason, string message) : Exception(message)
{
    public DesiredFetchFailureReason Reason { get; } = reason;
}
