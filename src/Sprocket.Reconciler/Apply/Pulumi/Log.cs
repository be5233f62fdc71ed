namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// Apply/Pulumi events, ids 7000–7099. Arguments are logged (tags, stack names, config keys are not secret);
/// the environment never is, and CLI text passes through <see cref="PulumiCli.Scrub"/> before it gets here.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Pulumi CLI version {Version} found")]
    public static partial void VersionAccepted(ILogger logger, string version);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Pulumi CLI unusable: {Problem}")]
    public static partial void VersionRejected(ILogger logger, string problem);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Running pulumi {Arguments} in {WorkDirectory}")]
    public static partial void RunningCommand(ILogger logger, string arguments, string workDirectory);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "pulumi {Verb} exited {ExitCode} after {Seconds:0.0} s")]
    public static partial void CommandFinished(ILogger logger, string verb, int exitCode, double seconds);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Checking out Pulumi program {Repository} at {Ref} into {Directory}")]
    public static partial void CheckingOut(ILogger logger, string repository, string @ref, string directory);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Pulumi program {Repository} {Ref} is at commit {Commit} (changed: {Changed})")]
    public static partial void CheckedOut(ILogger logger, string repository, string @ref, string commit, bool changed);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "Stack {Stack}: running pulumi install for commit {Commit}")]
    public static partial void Installing(ILogger logger, string stack, string commit);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "Stack {Stack}: {Progress}")]
    public static partial void Progress(ILogger logger, string stack, string progress);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Information, Message = "Stack {Stack}: pulumi {Mode} of tag {Tag} finished {Outcome}: {Summary}")]
    public static partial void ApplyFinished(ILogger logger, string stack, string mode, string tag, string outcome, string summary);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Stack {Stack}: a previous pulumi up of this daemon (pid {ProcessId}, started {StartedAt}) did not finish")]
    public static partial void OrphanedRun(ILogger logger, string stack, int processId, DateTimeOffset startedAt);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Stack {Stack}: sending {Signal} to pulumi up (pid {ProcessId}): {Reason}")]
    public static partial void SignallingUp(ILogger logger, string stack, string signal, int processId, string reason);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Stack {Stack}: reading the applied tag failed ({Reason}): {Problem}")]
    public static partial void HistoryFailed(ILogger logger, string stack, string reason, string problem);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "Stack {Stack}: shutdown requested while pulumi up runs; letting it finish (pid {ProcessId})")]
    public static partial void WaitingForUpOnShutdown(ILogger logger, string stack, int processId);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Stack {Stack}: pulumi {Verb} failed ({Reason}): {Summary}")]
    public static partial void CommandFailed(ILogger logger, string stack, string verb, string reason, string summary);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Error, Message = "Stack {Stack}: this daemon's pulumi up (pid {ProcessId}) died before finishing its update and may hold the stack's lock; a human clears it with: {Command}")]
    public static partial void DeadUpdate(ILogger logger, string stack, int processId, string command);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Warning, Message = "Stack {Stack}: the stack is locked {Holders}; waiting for it")]
    public static partial void StackLocked(ILogger logger, string stack, string holders);
}
