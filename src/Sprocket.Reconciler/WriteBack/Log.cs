namespace Sprocket.Reconciler.WriteBack;

/// <summary>WriteBack/ events, ids 8100–8199. Repository values are scrubbed; no token ever reaches a template.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information,
        Message = "Writing back stack {Stack} ({Mode}): {BadTag} -> {GoodTag}")]
    public static partial void Starting(ILogger logger, string stack, string mode, string badTag, string goodTag);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information,
        Message = "Write-back of stack {Stack} pushed commit {Sha} to {Repository} {Branch}")]
    public static partial void Committed(ILogger logger, string stack, string sha, string repository, string branch);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information,
        Message = "Write-back push for stack {Stack} was rejected ({Rejection}); fetching and redoing the edit (attempt {Attempt} of {MaxAttempts})")]
    public static partial void PushRaced(ILogger logger, string stack, string rejection, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning,
        Message = "Write-back of stack {Stack} superseded: git now names {TagInGit} at {Revision}, which a human chose; not overwritten")]
    public static partial void Superseded(ILogger logger, string stack, string tagInGit, string revision);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information,
        Message = "Write-back of stack {Stack}: nothing to do ({Reason})")]
    public static partial void NothingToDo(ILogger logger, string stack, string reason);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning,
        Message = "Write-back of stack {Stack} failed: {FailureMessage}")]
    public static partial void Failed(ILogger logger, string stack, string failureMessage);

    [LoggerMessage(EventId = 8110, Level = LogLevel.Information,
        Message = "Write-back of stack {Stack}: pull request #{Number} {Action} ({Url}, branch {Branch})")]
    public static partial void PullRequestReady(ILogger logger, string stack, int number, string action, string url, string branch);
}
