namespace Sprocket.Reconciler.Git;

/// <summary>Git/ events, ids 2100–2199. Repository values are always scrubbed; no token ever reaches a template.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information,
        Message = "Cloning desired-state repository {Repository} (branch {Branch}) into {CloneDirectory}")]
    public static partial void Cloning(ILogger logger, string repository, string branch, string cloneDirectory);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "Desired state {Repository} {Branch} is at revision {Revision}")]
    public static partial void RevisionChanged(ILogger logger, string repository, string branch, string revision);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug,
        Message = "Desired state {Repository} {Branch} unchanged at revision {Revision}")]
    public static partial void RevisionUnchanged(ILogger logger, string repository, string branch, string revision);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning,
        Message = "Fetching desired state from {Repository} {Branch} failed ({Reason}): {FailureMessage}")]
    public static partial void FetchFailed(ILogger logger, string repository, string branch, string reason, string failureMessage);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning,
        Message = "The desired-state clone {CloneDirectory} is unusable ({Problem}); cloning it afresh")]
    public static partial void RepairingClone(ILogger logger, string cloneDirectory, string problem);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning,
        Message = "Desired-state branch {Branch} of {Repository} was force-pushed ({Kind}) from revision {FromRevision} to {ToRevision}; the new head is judged like any other revision")]
    public static partial void BranchForcePushed(ILogger logger, string repository, string branch, string kind, string fromRevision, string toRevision);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning,
        Message = "The git library did not take Reconciler:DesiredState:RemoteTimeout ({Timeout}); a remote that never answers may hold a fetch until the system's TCP timeouts end it")]
    public static partial void RemoteTimeoutNotApplied(ILogger logger, TimeSpan timeout);
}
